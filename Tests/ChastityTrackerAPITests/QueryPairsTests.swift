import ChastityTrackerDomain
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Testing

@testable import ChastityTrackerServer

/// A request's query read without Hummingbird's dictionary (issue 24): the same pairs, in the
/// same order, as Hummingbird's `URI.queryParameters`, names decoded as the API decodes them.
@Suite struct QueryPairsTests {
    static func request(_ target: String) -> Request {
        Request(head: HTTPRequest(method: .get, scheme: nil, authority: nil, path: target), body: .init(buffer: ByteBuffer()))
    }

    /// The pairs Hummingbird reads, names decoded as the API decodes them (by Foundation when
    /// they hold a `%`).
    static func hummingbirdPairs(_ request: Request) -> [(name: String, value: String)] {
        request.uri.queryParameters.map { pair in
            let name = String(pair.key)
            return (name: name.contains("%") ? name.removingPercentEncoding ?? name : name, value: String(pair.value))
        }
    }

    @Test(
        "a query's pairs are Hummingbird's, in order, on awkward queries",
        arguments: [
            "/p?limit=50", "/p", "/p?", "/p?&", "/p?a&", "/p?&a", "/p?a&&b", "/p?=x", "/p?a=", "/p?a=b=c", "/p?limit=%35%30",
            "/p?x=%zz", "/p?x=%4", "/p?x=%%41", "/p?x=50%", "/p?x=caf%C3%A9", "/p?x=%FF", "/p?x=%c3", "/p?x=a+b", "/p?x=1#frag",
            "/p#f?x=1", "/p?x=1#a?b=2", "/p?%6Cimit=5", "/p?limit%5B%5D=1", "/p?%zz=1", "/p?x=1&x=2&y", "/p?x=%e2%82%ac&y=%E2%82%AC",
            "/p?é=ü&ü", "/p?x=%00", "http://host/p?x=1&y=%41", "http://host:8080?x=1", "/p?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9",
        ])
    func queryPairsAreHummingbirds(_ target: String) {
        let request = Self.request(target)
        let pairs = QueryParameters.pairs(of: request)
        let expected = Self.hummingbirdPairs(request)
        #expect(pairs.map(\.name) == expected.map(\.name))
        #expect(pairs.map(\.value) == expected.map(\.value))
        #expect(QueryParameters.query(of: request) == Substring(request.uri.query ?? ""))
    }
}

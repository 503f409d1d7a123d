import ChastityTrackerDomain
import Foundation
import HummingbirdCore

/// A request target's query, any bytes, as the server receives it (Hummingbird's `URI`), split by
/// `QueryParameters.pairs(ofQuery:)` into the very pairs Hummingbird's `URI.queryParameters`
/// gives (names decoded as the server decodes them), then read as the Orgasms endpoint and the
/// changes feed read it: each value is accepted within its bounds or refused with a
/// `ValidationError`, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQuery(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let query = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    let uri = URI("/api/v2/orgasms?" + query)
    let pairs = QueryParameters.pairs(ofQuery: Substring(uri.query ?? ""))
    // The server's one-pass split against Hummingbird's own, names decoded as before it.
    let hummingbird = uri.queryParameters.map { pair in
        let name = String(pair.key)
        return (name: name.contains("%") ? name.removingPercentEncoding ?? name : name, value: String(pair.value))
    }
    precondition(
        pairs.map(\.name) == hummingbird.map(\.name) && pairs.map(\.value) == hummingbird.map(\.value),
        "the query's pairs differ from Hummingbird's: \(pairs) against \(hummingbird)")
    if let parameters = try? QueryParameters(pairs) {
        _ = try? parameters.orgasmQuery()
        _ = try? parameters.id()
        if let limit = try? parameters.limit(upTo: 500, otherwise: 100) {
            precondition((0...500).contains(limit), "a limit outside its bounds: \(limit)")
        }
    }
    if let parameters = try? QueryParameters(pairs, known: QueryParameters.knownForChanges) {
        if let limit = try? parameters.limit(upTo: 1_000, otherwise: 1_000) {
            precondition((0...1_000).contains(limit), "a limit outside its bounds: \(limit)")
        }
        if let since = try? parameters.value("since"), let state = ChangeState(since) {
            // A state the feed would accept reads back as itself.
            precondition(ChangeState(state.description) == state, "a state that does not read back: \(since)")
        }
    }
    return 0
}

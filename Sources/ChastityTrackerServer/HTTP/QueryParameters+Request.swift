public import ChastityTrackerDomain
public import Hummingbird

extension QueryParameters {
    /// The query's name/value pairs (``QueryParameters/pairs(ofQuery:)``).
    static func pairs(of request: Request) -> [(name: String, value: String)] {
        pairs(ofQuery: query(of: request))
    }

    /// The request's query as `request.uri.query` reads it (after the first `?`, up to a `#`),
    /// sliced from the target rather than copied when the target is a path (issue 24).
    static func query(of request: Request) -> Substring {
        let target = request.uri.string
        guard target.utf8.first == UInt8(ascii: "/") else { return request.uri.query.map { Substring($0) } ?? "" }
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return "" }
        let start = target.utf8.index(after: mark)
        let end = target.utf8[start...].firstIndex(of: UInt8(ascii: "#")) ?? target.utf8.endIndex
        return target[start..<end]
    }

    /// The parameters of `request` to an endpoint whose parameters are `known` (docs/CONTRACT.md
    /// section 5).
    public init(of request: Request, known: Set<String> = QueryParameters.known) throws(ValidationError) {
        try self.init(Self.pairs(of: request), known: known)
    }
}

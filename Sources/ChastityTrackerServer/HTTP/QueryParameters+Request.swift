public import ChastityTrackerDomain
public import Hummingbird

extension QueryParameters {
    /// The query's name/value pairs, names percent-decoded like values
    /// (``QueryParameters/decodingNames(_:)``).
    static func pairs(of request: Request) -> [(name: String, value: String)] {
        decodingNames(request.uri.queryParameters.map { (name: $0.key, value: $0.value) })
    }

    /// The parameters of `request` to an endpoint whose parameters are `known` (docs/CONTRACT.md
    /// section 5).
    public init(of request: Request, known: Set<String> = QueryParameters.known) throws(ValidationError) {
        try self.init(Self.pairs(of: request), known: known)
    }
}

public import ChastityTrackerDomain
import Foundation
public import Hummingbird

extension QueryParameters {
    /// The query's name/value pairs, names percent-decoded like values (Hummingbird decodes only
    /// the values), so `limit%5B%5D` is `limit[]` and `%6Cimit` is `limit`.
    static func pairs(of request: Request) -> [(name: String, value: String)] {
        request.uri.queryParameters.map { parameter in
            let name = String(parameter.key)
            return (name: name.removingPercentEncoding ?? name, value: String(parameter.value))
        }
    }

    /// The parameters of `request` to an endpoint whose parameters are `known` (docs/CONTRACT.md
    /// section 5).
    public init(of request: Request, known: Set<String> = QueryParameters.known) throws(ValidationError) {
        try self.init(Self.pairs(of: request), known: known)
    }
}

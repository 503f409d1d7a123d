import Foundation

/// The rules for query parameters (docs/CONTRACT.md sections 5 and 6): every value is checked, nothing is
/// silently clamped, and a known parameter given twice is an error.
public struct QueryParameters: Sendable {
    private let values: [String: [String]]

    /// The parameters of the Orgasms endpoint (docs/CONTRACT.md sections 5 and 6).
    public static let known: Set<String> = ["from", "to", "mode", "public", "limit", "offset", "id"]

    /// The parameters of the changes feed (docs/CONTRACT.md section 13).
    public static let knownForChanges: Set<String> = ["since", "limit"]

    /// `pairs` are the decoded name/value pairs in the order sent; `known` the endpoint's
    /// parameters. Throws a ``ValidationError`` naming the parameter when a known name is followed by `[` (PHP's array syntax: `limit[]`,
    /// `id[0]`): ignoring it, as other unknown names are ignored, would silently answer another
    /// question (`?id[]=5` a list instead of item 5), docs/CONTRACT.md section 5.
    public init(_ pairs: [(name: String, value: String)], known: Set<String> = QueryParameters.known) throws(ValidationError) {
        var values: [String: [String]] = [:]
        for pair in pairs {
            if let bracket = pair.name.utf8.firstIndex(of: UInt8(ascii: "[")),
                case let base = String(pair.name[..<bracket]), known.contains(base)
            {
                // The name is the client's text: quoted, but not at any length.
                let sent = pair.name.count > 40 ? pair.name.prefix(40) + "…" : Substring(pair.name)
                throw ValidationError(field: base, message: "\(base) takes one plain value: '\(sent)' (array syntax) is not accepted")
            }
            values[pair.name, default: []].append(pair.value)
        }
        self.values = values
    }

    /// A query's pairs as the HTTP layer splits them (Hummingbird percent-decodes the values, not
    /// the names), names percent-decoded too, so `limit%5B%5D` is `limit[]` and `%6Cimit` is
    /// `limit`; a name that does not decode (`%zz`, or not UTF-8) is kept as sent.
    public static func decodingNames(_ pairs: [(name: Substring, value: Substring)]) -> [(name: String, value: String)] {
        pairs.map { pair in
            let name = String(pair.name)
            // Foundation's decoding costs about 1 µs a name even with nothing to decode (issue 24).
            let decoded = name.utf8.contains(UInt8(ascii: "%")) ? name.removingPercentEncoding ?? name : name
            return (name: decoded, value: String(pair.value))
        }
    }

    /// The single value of `name`, `nil` when absent; a repeated parameter is an error.
    public func value(_ name: String) throws(ValidationError) -> String? {
        guard let all = values[name] else { return nil }
        guard all.count == 1 else { throw ValidationError(field: name, message: "\(name) may be given only once") }
        return all[0]
    }

    /// Whether `name` was sent at all.
    public func contains(_ name: String) -> Bool { values[name] != nil }

    /// `id`: a positive integer (required where given as `required`).
    public func id() throws(ValidationError) -> Int64? {
        guard let text = try value("id") else { return nil }
        guard let id = Self.digits(text), id > 0 else {
            throw ValidationError(field: "id", message: "id must be a positive integer")
        }
        return id
    }

    /// The list filter and page.
    public func orgasmQuery() throws(ValidationError) -> OrgasmQuery {
        var query = OrgasmQuery()
        if let text = try value("from") {
            guard let date = LocalDate(text) else {
                throw ValidationError(field: "from", message: "from must be a real calendar date written YYYY-MM-DD")
            }
            query.from = date
        }
        if let text = try value("to") {
            guard let date = LocalDate(text) else {
                throw ValidationError(field: "to", message: "to must be a real calendar date written YYYY-MM-DD")
            }
            query.to = date
        }
        if let from = query.from, let to = query.to, from > to {
            throw ValidationError(field: "from", message: "from (\(from)) may not be later than to (\(to))")
        }
        if let text = try value("public") {
            switch text {
            case "0": query.isPublic = false
            case "1": query.isPublic = true
            default: throw ValidationError(field: "public", message: "public must be 0 or 1")
            }
        }
        if let text = try value("mode") {
            guard let mode = Mode(rawValue: text) else { throw ValidationError(field: "mode", message: "mode must be one of \(Mode.allowedList)") }
            query.mode = mode
        }
        if query.mode == .dom, query.isPublic == true {
            throw ValidationError(field: "mode", message: "mode=dom cannot be combined with public=1 (dom items are never public)")
        }
        query.limit = try limit(upTo: OrgasmQuery.maximumLimit, otherwise: query.limit)
        if let text = try value("offset") {
            guard let offset = Self.digits(text), offset <= Int64(OrgasmQuery.maximumOffset) else {
                throw ValidationError(field: "offset", message: "offset must be an integer from 0 to \(OrgasmQuery.maximumOffset)")
            }
            query.offset = Int(offset)
        }
        return query
    }

    /// `limit`: an integer from 1 to `maximum`, written in ASCII digits only; `fallback` when the
    /// parameter is absent. The list and the changes feed read it alike.
    public func limit(upTo maximum: Int, otherwise fallback: Int) throws(ValidationError) -> Int {
        guard let text = try value("limit") else { return fallback }
        guard let limit = Self.digits(text), (1...Int64(maximum)).contains(limit) else {
            throw ValidationError(field: "limit", message: "limit must be an integer from 1 to \(maximum)")
        }
        return Int(limit)
    }

    /// A non-negative decimal integer of ASCII digits only (no sign, no spaces), or `nil`.
    static func digits(_ text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= 19, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return Int64(text)
    }
}

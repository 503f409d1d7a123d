import Foundation

/// The rules for query parameters (docs/CONTRACT.md sections 5 and 6): every value is checked, nothing is
/// silently clamped, and a known parameter given twice is an error.
public struct QueryParameters: Sendable {
    /// The pairs in the order sent. Looked up by a scan: a query holds a handful of pairs, and a
    /// scan of them costs less than building a dictionary of them (issue 24); a hostile query of
    /// thousands (the target is at most 8 KiB) costs a few scans of it per request.
    private let pairs: [(name: String, value: String)]

    /// The parameters of the Orgasms endpoint (docs/CONTRACT.md sections 5 and 6).
    public static let known: Set<String> = ["from", "to", "mode", "public", "limit", "offset", "id"]

    /// The parameters of the changes feed (docs/CONTRACT.md section 13).
    public static let knownForChanges: Set<String> = ["since", "limit"]

    /// `pairs` are the decoded name/value pairs in the order sent; `known` the endpoint's
    /// parameters. Throws a ``ValidationError`` naming the parameter when a known name is followed by `[` (PHP's array syntax: `limit[]`,
    /// `id[0]`): ignoring it, as other unknown names are ignored, would silently answer another
    /// question (`?id[]=5` a list instead of item 5), docs/CONTRACT.md section 5.
    public init(_ pairs: [(name: String, value: String)], known: Set<String> = QueryParameters.known) throws(ValidationError) {
        for pair in pairs {
            if let bracket = pair.name.utf8.firstIndex(of: UInt8(ascii: "[")),
                case let base = String(pair.name[..<bracket]), known.contains(base)
            {
                // The name is the client's text: quoted, but not at any length.
                let sent = pair.name.count > 40 ? pair.name.prefix(40) + "…" : Substring(pair.name)
                throw ValidationError(field: base, message: "\(base) takes one plain value: '\(sent)' (array syntax) is not accepted")
            }
        }
        self.pairs = pairs
    }

    /// The name/value pairs of a request's query (the text after `?`, without a fragment), split
    /// as Hummingbird's `URI.queryParameters` splits it: at `&` (an empty piece between two is a
    /// pair with an empty name, a last `&` ends the query) and then at the first `=` (none: the
    /// whole piece is the name and the value is empty). Values are percent-decoded as Hummingbird
    /// decodes them (`%` and two hex digits, `+` kept; a value that does not decode is kept as
    /// sent, bytes that are not UTF-8 become U+FFFD); names are decoded by Foundation when they hold a `%`
    /// (kept as sent when that fails), so `limit%5B%5D` is `limit[]` and `%6Cimit` is `limit`.
    /// One pass over the bytes, with no dictionary and no copy of a piece that needs no decoding
    /// (issue 24); the server's tests check it against Hummingbird's own on awkward queries.
    public static func pairs(ofQuery query: Substring) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        var query = query
        query.withUTF8 { bytes in
            var start = 0
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.count
                let piece = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if let equals = piece.firstIndex(of: UInt8(ascii: "=")) {
                    let value = UnsafeBufferPointer(rebasing: piece[(equals + 1)...])
                    pairs.append((name: decodedName(UnsafeBufferPointer(rebasing: piece[..<equals])), value: decodedValue(value)))
                } else {
                    pairs.append((name: decodedName(piece), value: ""))
                }
                start = end + 1
            }
        }
        return pairs
    }

    /// A name: percent-decoded by Foundation when it holds a `%` and decodes, else as sent.
    /// (Foundation's rules, not ``PercentDecoding``'s: on names with control bytes it repairs
    /// where a strict decoding would keep the name as sent, and names have always been decoded so.)
    private static func decodedName(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let name = String(decoding: bytes, as: UTF8.self)
        // Foundation's decoding costs about 1 µs a name even with nothing to decode (issue 24).
        return bytes.contains(UInt8(ascii: "%")) ? name.removingPercentEncoding ?? name : name
    }

    /// A value, decoded as Hummingbird's `String.removingURLPercentEncoding` decodes it: kept as
    /// sent when it does not decode; decoded bytes that are not UTF-8 become U+FFFD.
    private static func decodedValue(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "%")), let decoded = PercentDecoding.bytes(bytes, plusIsSpace: false) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    /// The single value of `name`, `nil` when absent; a repeated parameter is an error.
    public func value(_ name: String) throws(ValidationError) -> String? {
        var found: String?
        for pair in pairs where pair.name == name {
            guard found == nil else { throw ValidationError(field: name, message: "\(name) may be given only once") }
            found = pair.value
        }
        return found
    }

    /// Whether `name` was sent at all.
    public func contains(_ name: String) -> Bool { pairs.contains { $0.name == name } }

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

/// `application/x-www-form-urlencoded` text (a query, or an OAuth endpoint's body) as its name-value
/// pairs, in order and repeats kept, as the WHATWG URL standard's parser reads it: pairs split at
/// `&`, name and value at the first `=`, `+` is a space, `%XX` a byte. The OAuth endpoints need
/// the pairs themselves (RFC 6749 section 3.1 refuses a repeated parameter, which a decoder into
/// a struct would hide).
public enum FormPairs {
    /// The pairs of `text`; `nil` when a `%` starts no escape of two hexadecimal digits or the
    /// bytes are not UTF-8 (the endpoints refuse such a request with `invalid_request`).
    public static func decode(_ text: String) -> [(String, String)]? {
        var pairs: [(String, String)] = []
        for part in text.utf8[...].split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = part.firstIndex(of: UInt8(ascii: "="))
            let name = equals.map { part[..<$0] } ?? part[...]
            let value = equals.map { part[part.index(after: $0)...] } ?? part[part.endIndex...]
            guard let decodedName = decodeComponent(name), let decodedValue = decodeComponent(value) else { return nil }
            pairs.append((decodedName, decodedValue))
        }
        return pairs
    }

    private static func decodeComponent(_ bytes: Substring.UTF8View) -> String? {
        PercentDecoding.bytes(bytes, plusIsSpace: true).flatMap { String(validating: $0, as: UTF8.self) }
    }
}

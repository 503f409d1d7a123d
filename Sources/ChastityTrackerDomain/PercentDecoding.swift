/// Percent-decoding of URL text (RFC 3986 section 2.1), the one loop behind a query's values
/// (``QueryParameters/pairs(ofQuery:)``) and a form's names and values (``FormPairs``): each
/// caller decides what `+` means and what a text that does not decode, or is not UTF-8, becomes.
enum PercentDecoding {
    /// The bytes `text` stands for: `%` and two hexadecimal digits (either case) is that byte, `+`
    /// a space when `plusIsSpace`, any other byte itself; `nil` when a `%` starts no such escape.
    static func bytes(_ text: some Collection<UInt8>, plusIsSpace: Bool) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            index = text.index(after: index)
            guard byte == UInt8(ascii: "%") else {
                out.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                continue
            }
            guard index < text.endIndex, let high = Hex.value(ofDigit: text[index]) else { return nil }
            index = text.index(after: index)
            guard index < text.endIndex, let low = Hex.value(ofDigit: text[index]) else { return nil }
            index = text.index(after: index)
            out.append(high << 4 | low)
        }
        return out
    }
}

/// The account pages' escaping, byte by byte over UTF-8: `&`, `<`, `>`, `"` and `'` become
/// `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&#39;` (swift-mustache's own `HTML` entities, so the
/// pages read the same) whatever follows them. swift-mustache's `HTML` type compares
/// `Character`s, and `"` followed by a combining mark is one `Character` that is not `"`: it
/// went out raw and ended the attribute it stood in. The server's mustache content type
/// (`ByteWiseHTMLContentType`) calls this, and FuzzTesting's `FuzzEscaping` fuzzes it.
public enum HTMLEscaping {
    /// `text` with the five characters replaced by their entities.
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { entity(for: $0) != nil }) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 32)
        // The five are ASCII, and every byte of a multi-byte UTF-8 sequence is 0x80 or above:
        // replacing single bytes never splits a scalar.
        for byte in text.utf8 {
            if let entity = entity(for: byte) { bytes += entity.utf8 } else { bytes.append(byte) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func entity(for byte: UInt8) -> String? {
        switch byte {
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "\""): "&quot;"
        case UInt8(ascii: "'"): "&#39;"
        default: nil
        }
    }
}

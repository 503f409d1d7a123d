/// The byte classes of RFC 3986 that the strict URI parsers here (``WebhookURL``,
/// ``RedirectURI``) share: each refuses what another parser could read differently, so both read
/// the same bytes the same way.
enum URIBytes {
    /// The bytes RFC 3986 allows anywhere in a URI (unreserved, reserved and `%`); white space,
    /// control characters, non-ASCII (write a punycode host and a percent-encoded path) and
    /// characters such as `\`, which WHATWG parsers read as `/`, are refused.
    static func isURIByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || "-._~:/?#[]@!$&'()*+,;=%".utf8.contains(byte)
    }

    static func isSchemeByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    /// Whether `name` is a DNS host name (an IPv4 literal passes too): labels of 1 to 63 letters,
    /// digits and hyphens, not starting or ending with a hyphen, 253 bytes in all, no empty label
    /// (so no trailing dot).
    static func isDNSName(_ name: some StringProtocol) -> Bool {
        guard name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "-") }
        }
    }
}

extension TokenAuthenticator {
    /// The credential of an `Authorization` header whose scheme is `Bearer` (any case), or `nil`
    /// for another scheme or none. Only ASCII spaces and tabs separate the scheme and surround
    /// the credential (RFC 6750 section 2.1, RFC 9110 section 11.4); anything else, Unicode
    /// spaces included, stays part of the credential, so a token with junk around it is no
    /// longer well formed and is refused.
    static func bearerCredential(in header: String) -> Substring? {
        let bytes = header.utf8
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isBlank(bytes[start]) { start = bytes.index(after: start) }
        while start < end, isBlank(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        let schemeEnd = bytes[start..<end].firstIndex(where: isBlank) ?? end
        let scheme = bytes[start..<schemeEnd]
        guard scheme.count == 6, zip(scheme, "bearer".utf8).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }
        var credentialStart = schemeEnd
        while credentialStart < end, isBlank(bytes[credentialStart]) { credentialStart = bytes.index(after: credentialStart) }
        guard credentialStart < end else { return nil }
        return Substring(bytes[credentialStart..<end])
    }
}

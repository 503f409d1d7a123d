import Foundation

/// A URL a person registered for webhooks, parsed strictly by our own rules rather than
/// Foundation's or a browser's, because the server POSTs to it: every reading of the text that
/// another parser (the resolver, the HTTP client, a WHATWG URL parser) could make differently is
/// refused instead of guessed, so that what was checked is what is reached.
///
/// Without `allowPrivate` (every deployment but a developer's), the URL must be `https`, and a
/// host that names the machine itself (`localhost`), one that is not fully qualified, or an IP
/// literal that is not a public unicast address is refused at once. A host name is only checked
/// when it is resolved, at delivery (the server's `WebhookResolver`), since DNS answers change.
public struct WebhookURL: Sendable, Hashable {
    /// `https`, or `http` when private targets are allowed; lower-cased.
    public let scheme: String
    /// The host, lower-cased, without brackets or a trailing dot; an IP literal in its canonical
    /// text (IPv4 dotted, even when written as IPv4-mapped IPv6).
    public let host: String
    /// The port to connect to: the one written, or 443 for `https` and 80 for `http`.
    public let port: Int
    /// The path and query to send in the request line, `/` when none was written.
    public let pathAndQuery: String
    /// The normalised URL to POST to: lower-cased scheme and host, no default port, a path.
    public let text: String
    /// The address written as the host, when it is an IP literal: connect to it without a lookup.
    public let ipLiteral: IPAddress?

    /// The longest URL accepted, in UTF-8 bytes: more than any real webhook needs, and a bound on
    /// what every delivery carries around and logs.
    public static let maximumLength = 2048

    /// Parses `text` (surrounding white space ignored).
    ///
    /// - Parameter allowPrivate: accept `http`, `localhost`, single-label hosts and private or
    ///   reserved IP literals; for development and tests against a local receiver only.
    /// - Throws: the ``WebhookURLError`` naming the first rule the text breaks.
    public init(_ text: String, allowPrivate: Bool) throws(WebhookURLError) {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw .malformed }
        guard text.utf8.count <= Self.maximumLength else { throw .tooLong }
        guard text.utf8.allSatisfy(URIBytes.isURIByte) else { throw .invalidCharacters }
        guard let separator = text.range(of: "://") else { throw .notHTTPS }
        let scheme = text[..<separator.lowerBound].lowercased()
        guard let first = scheme.utf8.first, URIBytes.isLetter(first), scheme.utf8.allSatisfy(URIBytes.isSchemeByte) else { throw .malformed }
        guard scheme == "https" || (scheme == "http" && allowPrivate) else { throw .notHTTPS }
        guard !text.contains("#") else { throw .fragment }

        let rest = text[separator.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        // Any `@` in the authority is user information; `https://good.example@evil.example/` is a
        // classic trick to make a person read the wrong host.
        guard !authority.contains("@") else { throw .credentials }
        let (rawHost, rawPort) = try Self.split(authority)

        let defaultPort = scheme == "https" ? 443 : 80
        var port = defaultPort
        if let rawPort {
            guard (1...5).contains(rawPort.count), rawPort.utf8.allSatisfy(URIBytes.isDigit), let value = Int(rawPort), (1...65535).contains(value)
            else { throw .invalidPort }
            port = value
        }

        let host: String
        let literal: IPAddress?
        switch rawHost {
        case .bracketed(let inside):
            // Only IPv6 goes in brackets, and a zone (`%25eth0`) means an interface of this machine.
            guard inside.contains(":"), !inside.contains("%"), let address = IPAddress(inside) else { throw .invalidHost }
            literal = address
            host = address.description
        case .plain(let name):
            var name = name.lowercased()
            if name.hasSuffix(".") { name.removeLast() }
            guard !name.isEmpty else { throw .missingHost }
            if let address = IPAddress(name) {
                literal = address
                host = address.description
            } else {
                guard URIBytes.isDNSName(name) else { throw .invalidHost }
                guard !Self.readsAsIPv4Number(name) else { throw .numericHost }
                if !allowPrivate {
                    guard name != "localhost", !name.hasSuffix(".localhost") else { throw .localhost }
                    // A single label is completed by the server's own search domains, so it names
                    // something on the server's network, never a public receiver.
                    guard name.contains(".") else { throw .unqualifiedHost }
                }
                literal = nil
                host = name
            }
        }
        if let literal, !allowPrivate, literal.webhookBlockReason != nil { throw .privateAddress(literal) }

        let pathAndQuery = try Self.pathAndQuery(rest[authorityEnd...])
        let hostInURL = literal.map { $0.isIPv4 ? host : "[\(host)]" } ?? host
        let portInURL = port == defaultPort ? "" : ":\(port)"
        self.scheme = scheme
        self.host = host
        self.port = port
        self.pathAndQuery = pathAndQuery
        self.ipLiteral = literal
        self.text = "\(scheme)://\(hostInURL)\(portInURL)\(pathAndQuery)"
    }

    private enum RawHost {
        case bracketed(Substring)
        case plain(Substring)
    }

    /// The host and the port's text (`nil` when no `:` follows the host).
    private static func split(_ authority: Substring) throws(WebhookURLError) -> (RawHost, Substring?) {
        guard !authority.isEmpty else { throw .missingHost }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidHost }
            let inside = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            guard !inside.isEmpty else { throw .missingHost }
            if after.isEmpty { return (.bracketed(inside), nil) }
            guard after.hasPrefix(":") else { throw .invalidHost }
            return (.bracketed(inside), after.dropFirst())
        }
        // An unbracketed IPv6 address (or anything else with two colons) is ambiguous about where
        // the port starts.
        let parts = authority.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw .invalidHost }
        guard !parts[0].isEmpty else { throw .missingHost }
        guard !parts[0].contains("[") && !parts[0].contains("]") else { throw .invalidHost }
        return (.plain(parts[0]), parts.count == 2 ? parts[1] : nil)
    }

    /// The path and query as written, `/` for none; brackets are allowed only around an IPv6
    /// host, and every `%` must start an escape of two hexadecimal digits.
    private static func pathAndQuery(_ text: Substring) throws(WebhookURLError) -> String {
        guard !text.contains("[") && !text.contains("]") else { throw .invalidCharacters }
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "%") {
            guard index + 2 < bytes.count, URIBytes.isHexDigit(bytes[index + 1]), URIBytes.isHexDigit(bytes[index + 2]) else { throw .malformed }
        }
        if text.isEmpty { return "/" }
        return text.hasPrefix("?") ? "/" + text : String(text)
    }

    /// Whether a WHATWG URL parser (a browser's, or an HTTP client built on one) would read `host`
    /// as an IPv4 address in one of its legacy forms (`2130706433`, `0x7f.1`, `0177.0.0.1`),
    /// which `inet_aton` and so `getaddrinfo` also accept: the last label is a decimal, octal or
    /// hexadecimal number. Hosts made only of digits, dots and `x` are refused as well, as no
    /// real name looks like that and each parser draws the line a little differently.
    private static func readsAsIPv4Number(_ host: String) -> Bool {
        let bytes = Array(host.utf8)
        let digitsDotsX = bytes.allSatisfy { URIBytes.isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "x") }
        if digitsDotsX && bytes.contains(where: URIBytes.isDigit) { return true }
        guard let last = host.split(separator: ".", omittingEmptySubsequences: false).last, !last.isEmpty else { return false }
        if last.utf8.allSatisfy(URIBytes.isDigit) { return true }
        return last.hasPrefix("0x") && last.utf8.dropFirst(2).allSatisfy(URIBytes.isHexDigit)
    }
}

/// Why a webhook URL was refused, at registration or at delivery; ``message`` is one line to show
/// the person who typed it.
public enum WebhookURLError: Error, Sendable, Equatable {
    /// Longer than ``WebhookURL/maximumLength`` bytes.
    case tooLong
    /// Not `https://` (or `http://` where private targets are allowed), or no scheme at all.
    case notHTTPS
    /// Not a URL: an unknown shape, or a `%` that starts no escape.
    case malformed
    /// White space, control or non-ASCII characters, or characters a URL must escape.
    case invalidCharacters
    /// No host after `://`.
    case missingHost
    /// A host that is neither a DNS name nor an IP literal (IPv6 in brackets).
    case invalidHost
    /// A host that some parser reads as an IPv4 address in a legacy form (`2130706433`, `0x7f.1`).
    case numericHost
    /// A port that is not a number from 1 to 65535.
    case invalidPort
    /// User information (`user:password@`) before the host.
    case credentials
    /// A `#fragment`, which is never sent and so means the URL is not what it seems.
    case fragment
    /// `localhost` or a name under it (RFC 6761): this machine.
    case localhost
    /// A host name of one label, which the server's own search domains complete.
    case unqualifiedHost
    /// An IP literal that is not a public unicast address.
    case privateAddress(IPAddress)
    /// A host name one of whose addresses is not a public unicast address.
    case resolvesToPrivateAddress(host: String, address: IPAddress)
    /// A host name with no address (no such name, or no answer).
    case unresolvable(host: String)
    /// A host name whose lookup took longer than the resolver waits.
    case lookupTimedOut(host: String)

    /// One line for the person who registered the URL: what is wrong, and what would do.
    public var message: String {
        switch self {
        case .tooLong: "The URL is longer than \(WebhookURL.maximumLength) bytes."
        case .notHTTPS: "The URL must start with https://."
        case .malformed: "This is not a valid URL; check it, and percent-encode any % as %25."
        case .invalidCharacters:
            "The URL holds characters a URL cannot; write the host in punycode (xn--…) and percent-encode the path and query."
        case .missingHost: "The URL has no host."
        case .invalidHost: "The host is neither a host name nor an IP address (an IPv6 address goes in brackets)."
        case .numericHost: "Write an IPv4 address as four decimal numbers, such as 192.0.2.1."
        case .invalidPort: "The port must be a number from 1 to 65535."
        case .credentials: "The URL must not contain a user name or password; put a secret in the path or query instead."
        case .fragment: "The URL must not contain a #fragment, which is never sent."
        case .localhost: "The URL names this server (localhost); a webhook must reach a public host."
        case .unqualifiedHost: "Write the host's full name, such as hooks.example.com."
        case .privateAddress(let address):
            "\(address) is \(address.webhookBlockReason ?? "not a public address"); a webhook must reach a public address."
        // The same words whether the name has a private address or none: the page and the
        // webhook's last error must not let a person map the server's own network by its names.
        case .resolvesToPrivateAddress(let host, _), .unresolvable(let host):
            "\(host) does not lead to public addresses only; check the name (a webhook must reach a public host)."
        case .lookupTimedOut(let host): "Looking up the address of \(host) took too long."
        }
    }
}

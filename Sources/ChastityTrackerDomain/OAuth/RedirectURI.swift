import Foundation

/// A redirect URI an operator registered for an OAuth client, in one of the three forms RFC 8252
/// and RFC 9700 leave a public client:
/// - `https://host[:port]/path[?query]`, for a web app or a claimed https link of a native app;
/// - a loopback redirect, `http://127.0.0.1[:port]/path[?query]` or `http://[::1][:port]/path[?query]`,
///   for a desktop or command-line app listening on an ephemeral port (RFC 8252 section 7.3); never
///   `http://localhost`, which a resolver or a firewall may send elsewhere (section 8.3);
/// - a private-use scheme in reverse domain name form, `com.example.app:/callback`, for a mobile app
///   (section 7.1); the dot keeps one app from taking a short scheme such as `myapp:` from others.
///
/// The text is kept exactly as written, because the authorization endpoint compares redirect URIs
/// as strings (RFC 9700 section 4.1.3): normalising here would only hide a difference the app
/// itself would then have to reproduce byte for byte. A fragment or user information is refused in
/// every form, and so is any character a URI cannot hold.
public struct RedirectURI: Sendable, Hashable {
    /// The URI exactly as registered; also what the server redirects to.
    public let text: String
    /// What the consent page shows the person as the destination of the code: the host (an IPv6
    /// literal without brackets) of an https or loopback URI, or the scheme of a private-use one.
    /// Every accepted URI has one; it is optional so that a page can fall back to ``text``.
    public let host: String?
    /// The parts that must match when the port may differ; only for a loopback redirect.
    private let loopback: Loopback?

    /// The longest URI accepted, in bytes: far more than any real redirect needs, and a bound on
    /// what every authorization request carries and every consent page shows.
    public static let maximumLength = 2048

    /// Parses `text` as written (white space is not trimmed: it cannot be part of a URI).
    ///
    /// - Throws: the ``OAuthRegistrationError`` naming the first rule the text breaks.
    public init(_ text: String) throws(OAuthRegistrationError) {
        guard !text.isEmpty else { throw .empty }
        guard text.utf8.count <= Self.maximumLength else { throw .tooLong }
        guard text.utf8.allSatisfy(URIBytes.isURIByte) else { throw .invalidCharacters }
        guard !text.contains("#") else { throw .fragment }
        try Self.checkEscapes(text)
        guard let colon = text.firstIndex(of: ":") else { throw .missingScheme }
        let scheme = text[..<colon]
        guard let first = scheme.utf8.first, URIBytes.isLetter(first), scheme.utf8.allSatisfy(URIBytes.isSchemeByte) else { throw .missingScheme }
        let rest = text[text.index(after: colon)...]

        switch scheme.lowercased() {
        case "https":
            let parts = try Self.hierarchicalParts(rest)
            switch parts.host {
            case .bracketed(let inside):
                // Only IPv6 goes in brackets, and a zone (`%25eth0`) names an interface of one machine.
                guard inside.contains(":"), !inside.contains("%"), IPAddress(inside) != nil else { throw .invalidHost }
            case .plain(let name):
                guard URIBytes.isDNSName(name) else { throw .invalidHost }
            }
            self.host = parts.host.bare
            self.loopback = nil
        case "http":
            let parts = try Self.hierarchicalParts(rest)
            switch parts.host {
            case .plain("127.0.0.1"), .bracketed("::1"):
                break
            case .plain(let name):
                let lowered = name.lowercased()
                if lowered == "localhost" || lowered.hasSuffix(".localhost") { throw .localhost }
                throw .insecureHTTP
            case .bracketed:
                throw .insecureHTTP
            }
            self.host = parts.host.bare
            self.loopback = Loopback(scheme: String(scheme), host: parts.host, pathAndQuery: String(parts.pathAndQuery))
        default:
            let labels = scheme.split(separator: ".", omittingEmptySubsequences: false)
            guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }) else { throw .privateUseScheme }
            // No naming authority, so a single slash (RFC 8252 section 7.1): `com.example.app://x`
            // would make `x` a host, which the app's operating system may or may not pass on.
            guard rest.hasPrefix("/"), !rest.hasPrefix("//") else { throw .privateUsePath }
            guard !rest.contains("[") && !rest.contains("]") else { throw .invalidCharacters }
            self.host = String(scheme)
            self.loopback = nil
        }
        self.text = text
    }

    /// Whether `requested`, the `redirect_uri` of an authorization request, names this registered
    /// URI: the very same bytes (not Swift's `==`, which calls some distinct Unicode texts equal),
    /// except that a loopback redirect may name any port (RFC 8252 section 7.3), since the app
    /// listens on whatever port the operating system gives it; scheme, host, path and query must
    /// still be identical.
    public func matches(_ requested: String) -> Bool {
        if requested.utf8.elementsEqual(text.utf8) { return true }
        guard let loopback, let other = try? RedirectURI(requested), let otherLoopback = other.loopback else { return false }
        return otherLoopback.scheme.utf8.elementsEqual(loopback.scheme.utf8) && otherLoopback.host == loopback.host
            && otherLoopback.pathAndQuery.utf8.elementsEqual(loopback.pathAndQuery.utf8)
    }

    /// The Content-Security-Policy source that lets a form lead to `uri` (Chromium applies the
    /// page's `form-action` to the redirect that answers a form post): the scheme, host and port of
    /// an `https` or `http` URI (the scheme alone for an IPv6 literal, which CSP cannot name), or
    /// `scheme:` for a private-use one; `nil` when `uri` is no
    /// redirect URI this server accepts. The parts come from a checked ``RedirectURI``, which
    /// holds no white space, `;` or `,` in them, so the source cannot end the directive.
    public static func cspSource(of uri: String) -> String? {
        guard (try? RedirectURI(uri)) != nil, let colon = uri.firstIndex(of: ":") else { return nil }
        let scheme = uri[..<colon].lowercased()
        let rest = uri[uri.index(after: colon)...]
        guard scheme == "https" || scheme == "http" else { return scheme + ":" }
        let authority = rest.dropFirst(2).prefix { $0 != "/" && $0 != "?" }
        guard !authority.contains(";"), !authority.contains(",") else { return nil }
        // CSP's host-source has no form for an IPv6 literal (browsers drop `http://[::1]:8080`), so
        // a redirect to one is allowed by its scheme: `http:` (only `[::1]` can be plain http).
        if authority.hasPrefix("[") { return scheme + ":" }
        return scheme + "://" + authority
    }

    /// A host as written between `//` and the port or path.
    private enum Host: Hashable {
        /// An IPv6 literal, the text inside the brackets.
        case bracketed(String)
        /// A name or an IPv4 literal.
        case plain(String)

        /// The host without brackets.
        var bare: String {
            switch self {
            case .bracketed(let inside): inside
            case .plain(let name): name
            }
        }
    }

    /// What identifies a loopback redirect apart from its port.
    private struct Loopback: Hashable {
        let scheme: String
        let host: Host
        let pathAndQuery: String
    }

    /// The parts of `//authority/path?query`, the text after `https:` or `http:`.
    private static func hierarchicalParts(_ rest: Substring) throws(OAuthRegistrationError) -> (host: Host, pathAndQuery: Substring) {
        guard rest.hasPrefix("//") else { throw .missingAuthority }
        let afterSlashes = rest.dropFirst(2)
        let authorityEnd = afterSlashes.firstIndex { $0 == "/" || $0 == "?" } ?? afterSlashes.endIndex
        let authority = afterSlashes[..<authorityEnd]
        // Any `@` in the authority is user information: `https://good.example@evil.example/` reads as
        // one host to a person and is another to a browser.
        guard !authority.contains("@") else { throw .credentials }
        let (host, port) = try split(authority)
        if let port {
            guard (1...5).contains(port.utf8.count), port.utf8.allSatisfy(URIBytes.isDigit), let value = Int(port), (1...65535).contains(value) else {
                throw .invalidPort
            }
        }
        let pathAndQuery = afterSlashes[authorityEnd...]
        // A path is required so that `https://example.com` and `https://example.com/`, which a
        // browser treats as one, cannot be registered as two URIs that never match each other.
        guard pathAndQuery.hasPrefix("/") else { throw .missingPath }
        guard !pathAndQuery.contains("[") && !pathAndQuery.contains("]") else { throw .invalidCharacters }
        return (host, pathAndQuery)
    }

    /// The host and the port's text (`nil` when no `:` follows the host).
    private static func split(_ authority: Substring) throws(OAuthRegistrationError) -> (Host, Substring?) {
        guard !authority.isEmpty else { throw .missingHost }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidHost }
            let inside = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            guard !inside.isEmpty else { throw .missingHost }
            if after.isEmpty { return (.bracketed(String(inside)), nil) }
            guard after.hasPrefix(":") else { throw .invalidHost }
            return (.bracketed(String(inside)), after.dropFirst())
        }
        let parts = authority.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].contains("]") else { throw .invalidHost }
        guard !parts[0].isEmpty else { throw .missingHost }
        return (.plain(String(parts[0])), parts.count == 2 ? parts[1] : nil)
    }

    /// Refuses a `%` that does not start an escape of two hexadecimal digits, which each parser
    /// would read its own way.
    private static func checkEscapes(_ text: String) throws(OAuthRegistrationError) {
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "%") {
            guard index + 2 < bytes.count, URIBytes.isHexDigit(bytes[index + 1]), URIBytes.isHexDigit(bytes[index + 2]) else {
                throw .malformedEscape
            }
        }
    }
}

/// Why a redirect URI was refused when an operator registered a client; ``message`` is one line to
/// show them, saying what would do instead.
public enum OAuthRegistrationError: Error, Sendable, Equatable {
    /// Nothing was given.
    case empty
    /// Longer than ``RedirectURI/maximumLength`` bytes.
    case tooLong
    /// White space, control or non-ASCII characters, or characters a URI must escape.
    case invalidCharacters
    /// A `%` that starts no escape of two hexadecimal digits.
    case malformedEscape
    /// A `#fragment`, which RFC 6749 section 3.1.2 forbids in a redirect URI.
    case fragment
    /// No scheme, or not one a redirect URI can have.
    case missingScheme
    /// `https:` or `http:` not followed by `//` and a host.
    case missingAuthority
    /// User information (`user:password@`) before the host.
    case credentials
    /// No host after `//`.
    case missingHost
    /// A host that is neither a DNS name nor an IP literal (IPv6 in brackets).
    case invalidHost
    /// A port that is not a number from 1 to 65535.
    case invalidPort
    /// Nothing, or only a query, after the host.
    case missingPath
    /// `http://localhost` (or a name under it) instead of a loopback IP literal.
    case localhost
    /// Plain `http` to anything but `127.0.0.1` or `[::1]`.
    case insecureHTTP
    /// A private-use scheme that is not a reverse domain name (no dot, or an empty label).
    case privateUseScheme
    /// A private-use URI whose path does not start with exactly one slash.
    case privateUsePath

    /// One line for the operator who typed the URI: what is wrong, and what would do.
    public var message: String {
        switch self {
        case .empty: "The redirect URI is empty."
        case .tooLong: "The redirect URI is longer than \(RedirectURI.maximumLength) bytes."
        case .invalidCharacters:
            "The redirect URI holds characters a URI cannot (white space, non-ASCII, \\, or brackets outside an IPv6 host); percent-encode them."
        case .malformedEscape: "Every % in the redirect URI must start an escape such as %20; write a literal % as %25."
        case .fragment: "A redirect URI must not contain a #fragment (RFC 6749 section 3.1.2)."
        case .missingScheme:
            "The redirect URI needs a scheme: https://, http://127.0.0.1 or http://[::1] for a loopback redirect, or a private-use scheme such as com.example.app:/callback."
        case .missingAuthority: "Write https:// or http:// followed by the host, such as https://app.example.com/callback."
        case .credentials: "A redirect URI must not contain a user name or password."
        case .missingHost: "The redirect URI has no host."
        case .invalidHost: "The host is neither a host name nor an IP address (an IPv6 address goes in brackets)."
        case .invalidPort: "The port must be a number from 1 to 65535."
        case .missingPath: "The redirect URI needs a path after the host, at least /."
        case .localhost: "Write http://127.0.0.1 or http://[::1] instead of localhost (RFC 8252 section 8.3), which may resolve elsewhere."
        case .insecureHTTP: "Plain http is allowed only for the loopback addresses 127.0.0.1 and [::1]; use https."
        case .privateUseScheme:
            "A private-use scheme must be a reverse domain name the app's developer owns, such as com.example.app (RFC 8252 section 7.1)."
        case .privateUsePath: "A private-use redirect URI has one slash after the scheme, such as com.example.app:/callback (RFC 8252 section 7.1)."
        }
    }
}

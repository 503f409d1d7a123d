/// A request to `GET /oauth/authorize` (RFC 6749 section 4.1.1 with RFC 7636's PKCE), checked for
/// everything that can be checked without the client registry: the server then looks up
/// ``clientID``, checks ``redirectURI`` against its registered ``RedirectURI``s, and shows the
/// consent page.
///
/// Only the authorization code flow with an S256 challenge exists here (RFC 9700 section 2.1.1):
/// public clients have no secret, so PKCE is what keeps a stolen code useless.
public struct AuthorizationRequest: Sendable, Hashable {
    /// The longest `state` accepted, in UTF-8 bytes: far more than the random value a client
    /// needs, and a bound on what the pending request stores and the redirect carries back.
    public static let maximumStateLength = 500

    /// The client's identifier, not yet looked up.
    public var clientID: String
    /// The redirect URI as the request names it, not yet matched against the client's.
    public var redirectURI: String
    /// What the app asks to do.
    public var scope: OAuthScope
    /// The client's opaque value, returned unchanged with the code or the error; `nil` when the
    /// client sent none.
    public var state: String?
    /// The S256 challenge the code will be bound to (43 base64url characters).
    public var codeChallenge: String

    /// A request from its parts, as the server restores a pending one; ``parse(_:)`` is how a
    /// request from the wire is made.
    public init(clientID: String, redirectURI: String, scope: OAuthScope, state: String?, codeChallenge: String) {
        self.clientID = clientID
        self.redirectURI = redirectURI
        self.scope = scope
        self.state = state
        self.codeChallenge = codeChallenge
    }

    /// The parameters RFC 6749 and RFC 7636 define for this endpoint; each may appear once (RFC
    /// 6749 section 3.1). Any other parameter is ignored, repeated or not, as section 3.1 says
    /// (RFC 8707's `resource`, for one, may legitimately be repeated).
    private static let parameters = ["response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"]

    /// Reads a request from the query's decoded name-value pairs, in order. A parameter with an
    /// empty value counts as absent (RFC 6749 section 3.1).
    ///
    /// A missing or repeated `client_id` or `redirect_uri` is a failure that never redirects (RFC
    /// 6749 section 4.1.2.1), since there is no trustworthy place to send it; every other failure is
    /// ``AuthorizationRequestError/redirectable(_:clientID:redirectURI:state:)``, to be sent to the
    /// redirect URI once the server has found the client and matched the URI, and shown as a page
    /// otherwise. Checked in order: repeated parameters, `state`'s length, `response_type`, `scope`,
    /// then PKCE.
    public static func parse(_ items: [(String, String)]) -> Result<AuthorizationRequest, AuthorizationRequestError> {
        var values: [String: [String]] = [:]
        for (name, value) in items where !value.isEmpty { values[name, default: []].append(value) }

        guard let clientIDs = values["client_id"] else { return .failure(.missingClientID) }
        guard clientIDs.count == 1, let clientID = clientIDs.first else { return .failure(.repeatedClientID) }
        guard let redirectURIs = values["redirect_uri"] else { return .failure(.missingRedirectURI) }
        guard redirectURIs.count == 1, let redirectURI = redirectURIs.first else { return .failure(.repeatedRedirectURI) }

        // A repeated or overlong state is not echoed: the client could not recognise it anyway.
        let states = values["state"] ?? []
        let state = states.count == 1 ? states.first.flatMap { isValidState($0) ? $0 : nil } : nil
        func refuse(_ error: OAuthError) -> Result<AuthorizationRequest, AuthorizationRequestError> {
            .failure(.redirectable(error, clientID: clientID, redirectURI: redirectURI, state: state))
        }

        if let repeated = parameters.first(where: { (values[$0]?.count ?? 0) > 1 }) {
            return refuse(.invalidRequest("The \(repeated) parameter is repeated."))
        }
        if let sent = states.first, sent.utf8.count > maximumStateLength {
            return refuse(.invalidRequest("The state is longer than \(maximumStateLength) bytes."))
        }
        if let sent = states.first, !isValidState(sent) {
            return refuse(.invalidRequest("The state holds characters other than printable ASCII (RFC 6749 appendix A.5)."))
        }
        guard let responseType = values["response_type"]?.first else {
            return refuse(.invalidRequest("The response_type parameter is missing; it must be code."))
        }
        guard responseType == "code" else { return refuse(.unsupportedResponseType()) }
        guard let scopeText = values["scope"]?.first, let scope = OAuthScope(rawValue: scopeText) else { return refuse(.invalidScope()) }
        guard let challenge = values["code_challenge"]?.first else {
            return refuse(.invalidRequest("The code_challenge parameter is missing; PKCE with S256 is required."))
        }
        guard let method = values["code_challenge_method"]?.first else {
            // RFC 7636 section 4.3: no method means plain, which RFC 9700 rules out.
            return refuse(.invalidRequest("The code_challenge_method parameter is missing; it must be S256."))
        }
        guard method == "S256" else { return refuse(.invalidRequest("The code_challenge_method must be S256; plain is not supported.")) }
        guard PKCE.isValidChallenge(challenge) else {
            return refuse(.invalidRequest("The code_challenge must be 43 base64url characters, the S256 challenge of the verifier."))
        }
        return .success(AuthorizationRequest(clientID: clientID, redirectURI: redirectURI, scope: scope, state: state, codeChallenge: challenge))
    }

    /// Whether `state` is one a client may send and this server keeps and echoes: 1 to
    /// ``maximumStateLength`` bytes of printable ASCII (VSCHAR, RFC 6749 appendix A.5), so no
    /// control character (a NUL, which PostgreSQL refuses to store) ever reaches the store.
    static func isValidState(_ state: String) -> Bool {
        (1...maximumStateLength).contains(state.utf8.count) && state.utf8.allSatisfy { (0x20...0x7E).contains($0) }
    }

    /// Where to send the browser (303) after the person approved: `base` with `code`, this
    /// request's `state` when it had one, and `iss` (RFC 9207, so that an app talking to several
    /// servers can tell which one answered) added to its query.
    ///
    /// - Parameters:
    ///   - base: the request's redirect URI once the registered URI ``RedirectURI/matches(_:)`` it;
    ///     for a loopback redirect it carries the port the app listens on.
    ///   - code: the new authorization code.
    ///   - issuer: the server's public URL, as in its metadata.
    public func redirect(to base: String, code: String, issuer: String) -> String {
        Self.appending([("code", code)] + (state.map { [("state", $0)] } ?? []) + [("iss", issuer)], to: base)
    }

    /// Where to send the browser (303) with an error (RFC 6749 section 4.1.2.1): `base` with
    /// `error`, `error_description`, `state` when there is one, and `iss` added to its query.
    /// Only for a client that was found and a redirect URI that matched; otherwise the error is a
    /// page.
    public static func errorRedirect(to base: String, error: OAuthError, state: String?, issuer: String) -> String {
        let items =
            [("error", error.code.rawValue), ("error_description", error.description)] + (state.map { [("state", $0)] } ?? []) + [("iss", issuer)]
        return appending(items, to: base)
    }

    /// `base` with `items` added to its query: after `?` when it has none yet, after `&` when it
    /// has one (a registered query is kept, RFC 6749 section 3.1.2).
    private static func appending(_ items: [(String, String)], to base: String) -> String {
        let query = items.map { name, value in "\(name)=\(percentEncoded(value))" }.joined(separator: "&")
        let separator =
            if !base.contains("?") { "?" } else if base.hasSuffix("?") || base.hasSuffix("&") { "" } else { "&" }
        return base + separator + query
    }

    /// `text` with every byte but RFC 3986's unreserved characters percent-encoded, a space as
    /// `%20`: what both a form decoder and a plain URI query decoder read back unchanged (a `+`
    /// for a space would not survive the latter).
    private static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            let isUnreserved =
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "-._~".utf8.contains(byte)
            if isUnreserved {
                bytes.append(byte)
            } else {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Why an authorization request was refused, split the way RFC 6749 section 4.1.2.1 requires:
/// the first four never redirect (the server shows ``message`` on an error page), the last is
/// redirected to the client with its ``OAuthError`` once the client and redirect URI check out.
public enum AuthorizationRequestError: Error, Sendable, Hashable {
    /// No `client_id`: never redirected.
    case missingClientID
    /// `client_id` more than once: never redirected, as it is unclear which client is meant.
    case repeatedClientID
    /// No `redirect_uri`: never redirected. Required even for a client with one registered URI,
    /// as RFC 9700 recommends, so that the code is always bound to the URI it was sent to.
    case missingRedirectURI
    /// `redirect_uri` more than once: never redirected.
    case repeatedRedirectURI
    /// Any other failure: once the server has found `clientID` and matched `redirectURI` against
    /// its registered URIs, it redirects there with the error and `state` (see
    /// ``AuthorizationRequest/errorRedirect(to:error:state:issuer:)``); if either check fails, it
    /// shows an error page instead.
    case redirectable(OAuthError, clientID: String, redirectURI: String, state: String?)

    /// Whether the error may be sent to the client's redirect URI (after the server's checks).
    public var isRedirectable: Bool {
        if case .redirectable = self { true } else { false }
    }

    /// One line for the error page the person sees when the error is not redirected.
    public var message: String {
        switch self {
        case .missingClientID: "The app's request has no client_id, so it cannot be answered. Tell the app's developer."
        case .repeatedClientID: "The app's request names client_id more than once, so it cannot be answered. Tell the app's developer."
        case .missingRedirectURI: "The app's request has no redirect_uri, so it cannot be answered. Tell the app's developer."
        case .repeatedRedirectURI: "The app's request names redirect_uri more than once, so it cannot be answered. Tell the app's developer."
        case .redirectable(let error, _, _, _): error.description
        }
    }
}

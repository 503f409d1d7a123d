import Crypto
public import Foundation

#if canImport(FoundationNetworking)
    public import FoundationNetworking
#endif

/// An app's OAuth 2 connection to a person's account (the server's `/oauth` endpoints: the
/// authorization code flow with PKCE, for public clients).
///
/// 1. ``authorization(configuration:)`` makes a fresh PKCE verifier and `state` and the URL to
///    open: in `ASWebAuthenticationSession` on Apple platforms, or in the system browser with a
///    loopback redirect (`http://127.0.0.1:PORT/callback`, any port) elsewhere.
/// 2. The server sends the browser back to the redirect URI; ``init(configuration:completing:redirect:session:)``
///    checks its `state` and `iss` and exchanges the code for tokens.
/// 3. ``accessToken()`` answers a token that is still good, refreshing it first when it expires
///    within a minute. Refresh tokens rotate: pass `onNewRefreshToken` to save each new one (in the
///    keychain, say) before it is used, and restore with ``init(configuration:refreshToken:session:onNewRefreshToken:)``.
///
/// ```swift
/// let configuration = OAuthSession.Configuration(
///     issuer: URL(string: "https://tracker.example")!, clientID: "ctc_…",
///     redirectURI: "http://127.0.0.1:\(port)/callback", scope: .read)
/// let authorization = OAuthSession.authorization(configuration: configuration)
/// // open authorization.url; receive the redirect at the loopback listener as `callback`
/// let oauth = try await OAuthSession(configuration: configuration, completing: authorization, redirect: callback)
/// let client = ChastityTrackerClient(serverURL: configuration.issuer, oauth: oauth)
/// ```
public actor OAuthSession {
    /// What an app is registered with (`chastity-tracker clients add`) and asks for.
    public struct Configuration: Sendable, Hashable {
        /// The server's public URL, its issuer (as its `/.well-known/oauth-authorization-server` says).
        public var issuer: URL
        /// The `client_id` the operator's `clients add` printed.
        public var clientID: String
        /// One of the client's registered redirect URIs (a loopback one with the port the app
        /// listens on).
        public var redirectURI: String
        public var scope: Scope

        public init(issuer: URL, clientID: String, redirectURI: String, scope: Scope) {
            self.issuer = issuer
            self.clientID = clientID
            self.redirectURI = redirectURI
            self.scope = scope
        }
    }

    /// What the app asks to do with the person's records.
    public enum Scope: String, Sendable, Hashable {
        case read
        case write
    }

    /// A started authorization: the URL to open, and what checks the answer.
    public struct Authorization: Sendable, Hashable {
        /// `/oauth/authorize` with every parameter.
        public let url: URL
        /// The `state` the answer must carry back.
        public let state: String
        /// The PKCE verifier; never leaves the app before the exchange.
        let verifier: String
    }

    /// Why connecting or refreshing failed.
    public enum Failure: Error, Sendable, Hashable {
        /// The redirect's `state` is not this authorization's: not the answer to this request.
        case stateMismatch
        /// The redirect's `iss` names another server (RFC 9207): a mix-up, or an attack.
        case issuerMismatch
        /// The person denied the request, or the server refused it (`error` from the redirect).
        case refused(error: String, description: String?)
        /// The redirect carries neither a code nor an error.
        case missingCode
        /// The token endpoint's RFC 6749 error (`invalid_grant` when the grant was revoked: the
        /// person must connect the app again).
        case tokenEndpoint(status: Int, error: String, description: String?)
        /// The token endpoint answered something that is not its JSON.
        case unexpectedAnswer(status: Int)
    }

    /// How long before its expiry an access token is refreshed.
    public static let refreshMargin: TimeInterval = 60

    public let configuration: Configuration
    private let session: URLSession
    private var access: (token: String, expires: Date)?
    /// The current refresh token (it rotates at every refresh).
    public private(set) var refreshToken: String
    private var refreshing: Task<String, any Error>?
    /// Called with every new refresh token, and awaited, before the tokens it came with are used:
    /// an app that keeps the token (in the keychain, say) saves it here, so that a crash right
    /// after a refresh cannot leave it holding the spent one, whose next use revokes the grant.
    private let onNewRefreshToken: (@Sendable (String) async throws -> Void)?

    /// A fresh authorization for `configuration`: 256-bit verifier and state, the S256 challenge.
    public static func authorization(configuration: Configuration) -> Authorization {
        let verifier = randomText()
        let state = randomText()
        let challenge = base64URL(Data(SHA256.hash(data: Data(verifier.utf8))))
        var components = URLComponents(url: configuration.issuer.appendingPathComponent("oauth/authorize"), resolvingAgainstBaseURL: false)!
        components.percentEncodedQueryItems = [
            ("response_type", "code"), ("client_id", configuration.clientID), ("redirect_uri", configuration.redirectURI),
            ("scope", configuration.scope.rawValue), ("state", state), ("code_challenge", challenge), ("code_challenge_method", "S256"),
        ].map { URLQueryItem(name: $0.0, value: percentEncoded($0.1)) }
        return Authorization(url: components.url!, state: state, verifier: verifier)
    }

    /// Completes `authorization` with the `redirect` the browser was sent to: checks `state` and
    /// `iss`, then exchanges the code (with the verifier) for the first tokens.
    public init(
        configuration: Configuration, completing authorization: Authorization, redirect: URL, session: URLSession = .shared,
        onNewRefreshToken: (@Sendable (String) async throws -> Void)? = nil
    ) async throws {
        let items = Dictionary(
            (URLComponents(url: redirect, resolvingAgainstBaseURL: false)?.queryItems ?? []).map { ($0.name, $0.value ?? "") },
            uniquingKeysWith: { first, _ in first })
        guard items["state"] == authorization.state else { throw Failure.stateMismatch }
        guard items["iss"] == Self.issuerText(configuration.issuer) else { throw Failure.issuerMismatch }
        if let error = items["error"] { throw Failure.refused(error: error, description: items["error_description"]) }
        guard let code = items["code"] else { throw Failure.missingCode }
        let tokens = try await Self.tokenRequest(
            [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", configuration.redirectURI),
                ("client_id", configuration.clientID), ("code_verifier", authorization.verifier),
            ], configuration: configuration, session: session)
        try await onNewRefreshToken?(tokens.refresh)
        self.configuration = configuration
        self.session = session
        self.onNewRefreshToken = onNewRefreshToken
        self.refreshToken = tokens.refresh
        self.access = (tokens.access, tokens.expires)
    }

    /// Restores a connection from a stored refresh token; the first ``accessToken()`` refreshes.
    public init(
        configuration: Configuration, refreshToken: String, session: URLSession = .shared,
        onNewRefreshToken: (@Sendable (String) async throws -> Void)? = nil
    ) {
        self.configuration = configuration
        self.session = session
        self.onNewRefreshToken = onNewRefreshToken
        self.refreshToken = refreshToken
        self.access = nil
    }

    /// An access token good for at least ``refreshMargin`` more seconds, refreshed when needed
    /// (one refresh at a time, however many callers ask at once).
    public func accessToken() async throws -> String {
        if let access, access.expires.timeIntervalSinceNow > Self.refreshMargin { return access.token }
        if let refreshing { return try await refreshing.value }
        let task = Task { try await self.refresh() }
        refreshing = task
        defer { refreshing = nil }
        return try await task.value
    }

    /// Revokes the connection (RFC 7009): the grant's access and refresh tokens stop working.
    public func revoke() async throws {
        var request = Self.formRequest(
            configuration.issuer.appendingPathComponent("oauth/revoke"), [("token", refreshToken), ("client_id", configuration.clientID)])
        request.cachePolicy = .reloadIgnoringLocalCacheData
        let (data, response) = try await session.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else { throw Self.failure(status: status, data: data) }
        access = nil
    }

    private func refresh() async throws -> String {
        let tokens = try await Self.tokenRequest(
            [("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", configuration.clientID)],
            configuration: configuration, session: session)
        refreshToken = tokens.refresh
        try await onNewRefreshToken?(tokens.refresh)
        access = (tokens.access, tokens.expires)
        return tokens.access
    }

    private struct TokenAnswer: Decodable {
        let accessToken: String
        let refreshToken: String
        let expiresIn: Int

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case refreshToken = "refresh_token"
            case expiresIn = "expires_in"
        }
    }

    private struct ErrorAnswer: Decodable {
        let error: String
        let description: String?

        enum CodingKeys: String, CodingKey {
            case error
            case description = "error_description"
        }
    }

    private static func tokenRequest(
        _ fields: [(String, String)], configuration: Configuration, session: URLSession
    ) async throws -> (access: String, refresh: String, expires: Date) {
        let request = formRequest(configuration.issuer.appendingPathComponent("oauth/token"), fields)
        let (data, response) = try await session.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else { throw failure(status: status, data: data) }
        guard let answer = try? JSONDecoder().decode(TokenAnswer.self, from: data) else { throw Failure.unexpectedAnswer(status: status) }
        return (answer.accessToken, answer.refreshToken, Date().addingTimeInterval(TimeInterval(answer.expiresIn)))
    }

    private static func failure(status: Int, data: Data) -> Failure {
        guard let answer = try? JSONDecoder().decode(ErrorAnswer.self, from: data) else { return .unexpectedAnswer(status: status) }
        return .tokenEndpoint(status: status, error: answer.error, description: answer.description)
    }

    private static func formRequest(_ url: URL, _ fields: [(String, String)]) -> URLRequest {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(fields.map { "\(percentEncoded($0.0))=\(percentEncoded($0.1))" }.joined(separator: "&").utf8)
        return request
    }

    /// The issuer as the server writes it: the URL without a trailing `/`.
    private static func issuerText(_ issuer: URL) -> String {
        var text = issuer.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// Every byte but RFC 3986's unreserved characters percent-encoded.
    private static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// 256 random bits as 43 base64url characters (a PKCE verifier is 43 to 128 of them).
    private static func randomText() -> String {
        var generator = SystemRandomNumberGenerator()
        return base64URL(Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }))
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

public import ChastityTrackerDomain

/// OAuth 2's use cases (docs/CONTRACT.md section 15: RFC 6749's authorization code grant with RFC
/// 7636's PKCE, S256 only, for public clients; RFC 7009's revocation), over the store: what the
/// HTTP endpoints and the consent page call. The HTTP layer only decodes forms and writes answers.
public struct OAuthFlows: Sendable {
    let store: any OAuthClientStore & OAuthGrantStore & OAuthAuthorizationStore
    let clock: any WallClock
    let tokens: TokenGenerator
    /// The server's public URL: the `iss` of every redirect and the metadata's `issuer`.
    public let issuer: String

    /// How long a code may wait for its exchange (RFC 6749 section 4.1.2 recommends at most 10
    /// minutes; an app exchanges at once).
    public static let codeLifetime = Duration.seconds(60)
    /// How long an access token works; the app refreshes after.
    public static let accessTokenLifetime = Duration.seconds(3600)
    /// The prefix of refresh tokens, so that secret scanners can tell them from access tokens.
    public static let refreshPrefix = "ctr_"

    public init(
        store: any OAuthClientStore & OAuthGrantStore & OAuthAuthorizationStore, clock: any WallClock, tokens: TokenGenerator = .random,
        issuer: String
    ) {
        self.store = store
        self.clock = clock
        self.tokens = tokens
        self.issuer = issuer
    }

    // MARK: Authorization

    /// What `GET /oauth/authorize` leads to.
    public enum Start: Sendable, Hashable {
        /// The request is kept under `id` (its hash in the store): the person goes on to the consent
        /// page for it.
        case pending(id: String)
        /// The request names a known client and one of its redirect URIs but is otherwise wrong:
        /// the browser goes back to the app with the error (RFC 6749 section 4.1.2.1).
        case redirect(String)
        /// No trustworthy place to send an error (no or unknown client, unregistered redirect URI):
        /// the person sees this message on a page, never a redirect.
        case refused(String)
    }

    /// Checks an authorization request (its query's decoded pairs, in order) and keeps it for the
    /// person's decision.
    public func start(_ items: [(String, String)]) async throws -> Start {
        switch AuthorizationRequest.parse(items) {
        case .failure(let failure):
            guard case .redirectable(let error, let clientID, let redirectURI, let state) = failure else { return .refused(failure.message) }
            guard let client = try await client(clientID) else { return .refused(Self.unknownClient) }
            guard client.redirectURIs.contains(where: { $0.matches(redirectURI) }) else { return .refused(Self.unregisteredRedirect) }
            return .redirect(AuthorizationRequest.errorRedirect(to: redirectURI, error: error, state: state, issuer: issuer))
        case .success(let request):
            guard let client = try await client(request.clientID) else { return .refused(Self.unknownClient) }
            guard client.redirectURIs.contains(where: { $0.matches(request.redirectURI) }) else { return .refused(Self.unregisteredRedirect) }
            let id = SessionSecret.generate()
            let now = Timestamp(clock.now())
            let pending = PendingAuthorization(
                hash: id.hash, request: request, created: now, expires: now.adding(PendingAuthorization.lifetime))
            do {
                try await store.addPendingAuthorization(pending)
            } catch StoreError.missing {
                return .refused(Self.unknownClient)
            }
            return .pending(id: id.plaintext)
        }
    }

    static let unknownClient = "The app that sent you here is not registered with this server, so it cannot be connected. Tell the app's developer."
    static let unregisteredRedirect =
        "The app asked to send you back to an address it has not registered with this server, so it cannot be connected. Tell the app's developer."

    /// A request waiting for the person's decision, with what the consent page shows.
    public struct Consent: Sendable, Hashable {
        public var pending: PendingAuthorization
        public var client: OAuthClient
        /// Where the code goes, as the page shows it: the redirect's host, or its private-use scheme.
        public var destination: String
        /// The CSP source that lets the page's form lead there (``RedirectURI/cspSource(of:)``).
        public var formTarget: String?
    }

    /// The live request with this id and its client, or `nil` (unknown, expired, decided, or
    /// its client removed).
    public func consent(id: String) async throws -> Consent? {
        guard SessionSecret.isWellFormed(id), let pending = try await store.pendingAuthorization(hash: SessionSecret(plaintext: id).hash, at: now())
        else { return nil }
        guard let client = try await store.client(id: pending.request.clientID),
            let registered = client.redirectURIs.first(where: { $0.matches(pending.request.redirectURI) })
        else { return nil }
        return Consent(
            pending: pending, client: client,
            destination: (try? RedirectURI(pending.request.redirectURI))?.host ?? registered.host ?? registered.text,
            formTarget: RedirectURI.cspSource(of: pending.request.redirectURI))
    }

    /// The person's decision on the request with this id: where to send the browser (the app's
    /// redirect URI with a code, or with `access_denied`), or `nil` when the request is gone
    /// (expired, decided in another tab, or its client removed). Approving stores a code bound
    /// to the client, the redirect URI, the challenge, the user and the scope, for
    /// ``codeLifetime``.
    public func decide(id: String, userID: Int64, approve: Bool) async throws -> String? {
        guard SessionSecret.isWellFormed(id),
            let pending = try await store.takePendingAuthorization(hash: SessionSecret(plaintext: id).hash, at: now())
        else { return nil }
        let request = pending.request
        guard let client = try await store.client(id: request.clientID), client.redirectURIs.contains(where: { $0.matches(request.redirectURI) })
        else { return nil }
        guard approve else {
            return AuthorizationRequest.errorRedirect(to: request.redirectURI, error: .accessDenied(), state: request.state, issuer: issuer)
        }
        let code = SessionSecret.generate()
        let now = now()
        do {
            try await store.addAuthorizationCode(
                AuthorizationCode(
                    hash: code.hash, clientID: client.id, userID: userID, redirectURI: request.redirectURI, scope: request.scope,
                    codeChallenge: request.codeChallenge, created: now, expires: now.adding(Self.codeLifetime)))
        } catch StoreError.missing {
            return nil
        }
        return request.redirect(to: request.redirectURI, code: code.plaintext, issuer: issuer)
    }

    // MARK: Tokens

    /// What a successful token request answers (RFC 6749 section 5.1).
    public struct Issued: Sendable, Hashable {
        public var accessToken: String
        public var refreshToken: String
        public var expiresIn: Int64
        public var scope: OAuthScope

        /// The JSON body; every value is base64url, a number or a fixed word, so none needs escaping.
        public var json: String {
            #"{"access_token":"\#(accessToken)","token_type":"Bearer","expires_in":\#(expiresIn),"refresh_token":"\#(refreshToken)","scope":"\#(scope.rawValue)"}"#
        }
    }

    /// `POST /oauth/token` with its form's decoded pairs: the `authorization_code` or
    /// `refresh_token` grant, or the RFC 6749 section 5.2 error.
    public func token(_ items: [(String, String)]) async throws -> Result<Issued, OAuthError> {
        let form: [String: String]
        switch Self.single(items) {
        case .failure(let error): return .failure(error)
        case .success(let values): form = values
        }
        guard let grantType = form["grant_type"] else { return .failure(.invalidRequest("The grant_type parameter is missing.")) }
        guard grantType == "authorization_code" || grantType == "refresh_token" else { return .failure(.unsupportedGrantType()) }
        guard let clientID = form["client_id"] else {
            return .failure(.invalidRequest("The client_id parameter is missing; a public client names itself with it."))
        }
        guard let client = try await client(clientID) else { return .failure(.invalidClient()) }
        if grantType == "authorization_code" {
            guard let code = form["code"] else { return .failure(.invalidRequest("The code parameter is missing.")) }
            guard let redirectURI = form["redirect_uri"] else { return .failure(.invalidRequest("The redirect_uri parameter is missing.")) }
            guard let verifier = form["code_verifier"] else {
                return .failure(.invalidRequest("The code_verifier parameter is missing; PKCE with S256 is required."))
            }
            return try await exchange(code: code, redirectURI: redirectURI, verifier: verifier, client: client)
        }
        guard let refreshToken = form["refresh_token"] else { return .failure(.invalidRequest("The refresh_token parameter is missing.")) }
        var scope: OAuthScope?
        if let text = form["scope"] {
            guard let requested = OAuthScope(rawValue: text) else { return .failure(.invalidScope()) }
            scope = requested
        }
        return try await refresh(refreshToken, scope: scope, client: client)
    }

    private func exchange(code: String, redirectURI: String, verifier: String, client: OAuthClient) async throws -> Result<Issued, OAuthError> {
        guard SessionSecret.isWellFormed(code),
            let consumed = try await store.consumeAuthorizationCode(hash: SessionSecret(plaintext: code).hash, at: now())
        else { return .failure(.invalidGrant("The code is unknown.")) }
        // RFC 6749 section 4.1.2: a code used twice was stolen; what its first use issued goes.
        if consumed.replayed {
            if let grant = consumed.issuedGrant { _ = try await store.revokeGrant(id: grant, at: now()) }
            return .failure(.invalidGrant("The code was used before; the tokens it issued are revoked."))
        }
        let stored = consumed.code
        guard now() < stored.expires else { return .failure(.invalidGrant("The code has expired.")) }
        guard stored.clientID.utf8.elementsEqual(client.id.utf8) else { return .failure(.invalidGrant("The code was issued to another client.")) }
        guard stored.redirectURI.utf8.elementsEqual(redirectURI.utf8) else {
            return .failure(.invalidGrant("The redirect_uri is not the one the code was sent to."))
        }
        guard PKCE.verify(verifier: verifier, challenge: stored.codeChallenge) else {
            return .failure(.invalidGrant("The code_verifier does not match the code_challenge."))
        }
        let (access, accessSecret) = newAccessToken(for: client)
        let refresh = newRefreshToken()
        do {
            _ = try await store.issueGrant(for: stored, access: access, refreshHash: TokenSecret.hash(of: refresh), at: now())
        } catch StoreError.missing {
            // The person or the app is gone, or a replay of the code came first.
            return .failure(.invalidGrant("The code cannot be used any more."))
        }
        return .success(
            Issued(accessToken: accessSecret, refreshToken: refresh, expiresIn: Self.accessTokenLifetime.components.seconds, scope: stored.scope))
    }

    private func refresh(_ presented: String, scope: OAuthScope?, client: OAuthClient) async throws -> Result<Issued, OAuthError> {
        guard Self.isWellFormedRefreshToken(presented) else { return .failure(.invalidGrant("The refresh token is unknown.")) }
        let hash = TokenSecret.hash(of: presented)
        guard let grant = try await store.grant(refreshHash: hash) else { return .failure(.invalidGrant("The refresh token is unknown.")) }
        // RFC 6749 section 6: the token must have been issued to this client; a scope cannot grow.
        guard grant.clientID.utf8.elementsEqual(client.id.utf8) else {
            return .failure(.invalidGrant("The refresh token was issued to another client."))
        }
        if let scope, scope != grant.scope {
            return .failure(.invalidScope("A refresh keeps the grant's scope, \(grant.scope.rawValue); ask again with that or none."))
        }
        let (access, accessSecret) = newAccessToken(for: client)
        let refresh = newRefreshToken()
        switch try await store.rotateRefreshToken(hash: hash, access: access, newRefreshHash: TokenSecret.hash(of: refresh), at: now()) {
        case nil:
            return .failure(.invalidGrant("The grant has been revoked."))
        case .reused:
            return .failure(.invalidGrant("The refresh token was used before; the grant is revoked, so the person must connect the app again."))
        case .rotated(let grant):
            return .success(
                Issued(accessToken: accessSecret, refreshToken: refresh, expiresIn: Self.accessTokenLifetime.components.seconds, scope: grant.scope))
        }
    }

    /// `POST /oauth/revoke` (RFC 7009) with its form's decoded pairs: revokes the grant of the
    /// access or refresh token when it was issued to the named client, and succeeds for any token
    /// it does not know (section 2.2), so that the answer tells nothing about other clients' tokens.
    public func revoke(_ items: [(String, String)]) async throws -> Result<Void, OAuthError> {
        let form: [String: String]
        switch Self.single(items) {
        case .failure(let error): return .failure(error)
        case .success(let values): form = values
        }
        guard let token = form["token"] else { return .failure(.invalidRequest("The token parameter is missing.")) }
        guard let clientID = form["client_id"] else {
            return .failure(.invalidRequest("The client_id parameter is missing; a public client names itself with it."))
        }
        guard try await client(clientID) != nil else { return .failure(.invalidClient()) }
        if TokenSecret.isWellFormed(token) || Self.isWellFormedRefreshToken(token) {
            _ = try await store.revokeGrant(tokenHash: TokenSecret.hash(of: token), clientID: clientID, at: now())
        }
        return .success(())
    }

    // MARK: The person's connected apps

    /// The person's connected apps, oldest first.
    public func connectedApps(userID: Int64) async throws -> [ConnectedApp] {
        try await store.connectedApps(userID: userID)
    }

    /// Disconnects one of the person's apps: its grant, access tokens and refresh tokens are
    /// revoked at once. `false` when the person has no such connected app.
    public func disconnect(grantID: Int64, userID: Int64) async throws -> Bool {
        try await store.revokeGrant(id: grantID, userID: userID, at: now())
    }

    // MARK: Helpers

    /// The registered client with this id; `nil` without a lookup for a text of another shape.
    private func client(_ id: String) async throws -> OAuthClient? {
        guard OAuthClient.isWellFormedID(id) else { return nil }
        return try await store.client(id: id)
    }

    /// The parameters the token and revocation endpoints read; any other is ignored, repeated or
    /// not (RFC 6749 section 3.2).
    static let parameters: Set<String> = [
        "grant_type", "client_id", "code", "redirect_uri", "code_verifier", "refresh_token", "scope", "token", "token_type_hint",
    ]

    /// The form's known parameters, each at most once (RFC 6749 section 3.2: an empty one counts
    /// toward that), then with an empty value counted as absent.
    static func single(_ items: [(String, String)]) -> Result<[String: String], OAuthError> {
        var seen: Set<String> = []
        var form: [String: String] = [:]
        for (name, value) in items where parameters.contains(name) {
            guard seen.insert(name).inserted else { return .failure(.invalidRequest("The \(name) parameter is repeated.")) }
            if !value.isEmpty { form[name] = value }
        }
        return .success(form)
    }

    private func newAccessToken(for client: OAuthClient) -> (NewAccessToken, String) {
        let secret = tokens.next()
        return (NewAccessToken(hash: secret.hash, label: client.name, expires: now().adding(Self.accessTokenLifetime)), secret.plaintext)
    }

    private func newRefreshToken() -> String {
        Self.refreshPrefix + tokens.next().plaintext.dropFirst(TokenSecret.prefix.count)
    }

    /// Whether `text` has the shape of a refresh token: the prefix and 43 base64url characters.
    static func isWellFormedRefreshToken(_ text: String) -> Bool {
        text.hasPrefix(refreshPrefix) && TokenSecret.isWellFormed(TokenSecret.prefix + text.dropFirst(refreshPrefix.count))
    }

    private func now() -> Timestamp { Timestamp(clock.now()) }
}

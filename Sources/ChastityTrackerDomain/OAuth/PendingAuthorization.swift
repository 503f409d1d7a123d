/// An authorization request waiting for the person's decision (docs/CONTRACT.md section 15): the
/// checked ``AuthorizationRequest``, kept by the server under the hash of a random id, so that
/// the consent page and the sign-in that may come before it carry only that id, never the
/// request's parameters, which a person (or a page that sent them there) could alter.
public struct PendingAuthorization: Sendable, Hashable {
    /// How long a person has to sign in and decide.
    public static let lifetime = Duration.seconds(600)

    /// The SHA-256 of the id, as tokens are kept.
    public var hash: String
    public var request: AuthorizationRequest
    public var created: Timestamp
    /// ``lifetime`` after ``created``.
    public var expires: Timestamp

    public init(hash: String, request: AuthorizationRequest, created: Timestamp, expires: Timestamp) {
        self.hash = hash
        self.request = request
        self.created = created
        self.expires = expires
    }
}

/// An app a person has connected (a live ``OAuthGrant``), as the tokens page and `tokens list`
/// show it.
public struct ConnectedApp: Sendable, Hashable {
    public var grantID: Int64
    public var clientID: String
    /// The name the operator registered the app under.
    public var clientName: String
    public var scope: OAuthScope
    /// When the person approved it.
    public var connected: Timestamp
    /// The latest use of any of the grant's access tokens, if any.
    public var lastUsed: Timestamp?

    public init(grantID: Int64, clientID: String, clientName: String, scope: OAuthScope, connected: Timestamp, lastUsed: Timestamp?) {
        self.grantID = grantID
        self.clientID = clientID
        self.clientName = clientName
        self.scope = scope
        self.connected = connected
        self.lastUsed = lastUsed
    }
}

/// What a person approved for an app (docs/CONTRACT.md section 15): the app may act with
/// `scope` on the person's records until the grant is revoked (Disconnect, a reused refresh token
/// or a replayed code). Its access tokens are this API's tokens, expiring, and its refresh tokens
/// rotate at each use.
public struct OAuthGrant: Sendable, Hashable {
    public var id: Int64
    public var userID: Int64
    public var clientID: String
    public var scope: OAuthScope
    public var created: Timestamp
    public var revoked: Timestamp?

    public init(id: Int64, userID: Int64, clientID: String, scope: OAuthScope, created: Timestamp, revoked: Timestamp?) {
        self.id = id
        self.userID = userID
        self.clientID = clientID
        self.scope = scope
        self.created = created
        self.revoked = revoked
    }
}

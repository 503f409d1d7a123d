/// The role of a store that keeps OAuth's codes, grants and refresh tokens (docs/CONTRACT.md
/// section 15). A grant's access tokens are rows of the tokens table (``TokenStore``) with the
/// grant and an expiry; revoking a grant revokes them in the same transaction. Every method may
/// throw ``StoreError/unavailable`` when the database cannot be reached.
public protocol OAuthGrantStore: Sendable {
    /// Keeps a code the person just approved. Throws ``StoreError/missing(_:)`` when the user or
    /// the client is gone.
    func addAuthorizationCode(_ code: AuthorizationCode) async throws
    /// Takes the code with this hash for an exchange, at most once (`replayed` says whether it
    /// had been taken before; a replay before the first exchange issued its grant spoils the code,
    /// so that ``issueGrant(for:access:refreshHash:at:)`` refuses it); `nil` when there is none. Expiry and bindings are the caller's to
    /// check: a taken code is spent whatever the outcome, so it can never be tried twice.
    func consumeAuthorizationCode(hash: String, at now: Timestamp) async throws -> ConsumedCode?
    /// In one transaction: a grant for the code's user, client and scope, its first access token
    /// and its first refresh token (by hash), and the grant recorded on the code. Throws
    /// ``StoreError/missing(_:)`` (and stores nothing) when the code, the user or the client is
    /// gone, or the code issued a grant already or was spoiled by a replay.
    func issueGrant(for code: AuthorizationCode, access: NewAccessToken, refreshHash: String, at now: Timestamp) async throws -> OAuthGrant
    /// Presents a refresh token: a current one is spent and replaced (a new access token and
    /// refresh token in the same transaction); a spent one revokes its grant; `nil` for an
    /// unknown token or a revoked grant.
    func rotateRefreshToken(hash: String, access: NewAccessToken, newRefreshHash: String, at now: Timestamp) async throws -> RefreshRotation?
    /// Revokes the grant, its access tokens and its refresh tokens; `false` when there is no
    /// such grant or it was revoked already.
    func revokeGrant(id: Int64, at now: Timestamp) async throws -> Bool
    /// The grant that issued the refresh token with this hash, live or revoked, the token spent or
    /// not; `nil` for an unknown token.
    func grant(refreshHash: String) async throws -> OAuthGrant?
    /// The user's grants, oldest first, revoked ones included.
    func grants(userID: Int64) async throws -> [OAuthGrant]
    /// Revokes the grant that issued the access or refresh token with this hash, when that grant
    /// belongs to `clientID` (RFC 7009 section 2.1: a client revokes only its own tokens); `false`
    /// when there is no such live grant.
    func revokeGrant(tokenHash: String, clientID: String, at now: Timestamp) async throws -> Bool
    /// Revokes the user's grant with this id (the person's Disconnect); `false` when the user has
    /// no such live grant, so another user's grant is as missing as a deleted one.
    func revokeGrant(id: Int64, userID: Int64, at now: Timestamp) async throws -> Bool
    /// The user's live grants with their app's name and last use, oldest first.
    func connectedApps(userID: Int64) async throws -> [ConnectedApp]
}

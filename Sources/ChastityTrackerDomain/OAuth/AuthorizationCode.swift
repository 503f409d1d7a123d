/// An authorization code as the store keeps it: only its hash, with what it is bound to (RFC 6749
/// section 4.1.2 and RFC 7636: the client, the redirect URI, the PKCE challenge) and what the
/// person approved.
public struct AuthorizationCode: Sendable, Hashable {
    /// The SHA-256 of the code, as tokens are kept.
    public var hash: String
    public var clientID: String
    public var userID: Int64
    /// The redirect URI of the request, exactly as sent (the exchange must send the same).
    public var redirectURI: String
    public var scope: OAuthScope
    public var codeChallenge: String
    public var created: Timestamp
    /// 60 s after `created`.
    public var expires: Timestamp

    public init(
        hash: String, clientID: String, userID: Int64, redirectURI: String, scope: OAuthScope, codeChallenge: String, created: Timestamp,
        expires: Timestamp
    ) {
        self.hash = hash
        self.clientID = clientID
        self.userID = userID
        self.redirectURI = redirectURI
        self.scope = scope
        self.codeChallenge = codeChallenge
        self.created = created
        self.expires = expires
    }
}

/// A code taken for an exchange (``OAuthGrantStore/consumeAuthorizationCode(hash:at:)``): the
/// code as kept, and, when it had been taken before, the grant that first exchange issued (the
/// caller revokes it: a replayed code means it was stolen, RFC 6749 section 4.1.2).
public struct ConsumedCode: Sendable, Hashable {
    public var code: AuthorizationCode
    /// Whether the code had been taken before this call.
    public var replayed: Bool
    /// The grant its first exchange issued, if any.
    public var issuedGrant: Int64?

    public init(code: AuthorizationCode, replayed: Bool, issuedGrant: Int64?) {
        self.code = code
        self.replayed = replayed
        self.issuedGrant = issuedGrant
    }
}

/// An access token to store for a grant: its hash, the label the person's tokens page shows, and
/// when it expires.
public struct NewAccessToken: Sendable, Hashable {
    public var hash: String
    public var label: String
    public var expires: Timestamp

    public init(hash: String, label: String, expires: Timestamp) {
        self.hash = hash
        self.label = label
        self.expires = expires
    }
}

/// What presenting a refresh token did (``OAuthGrantStore/rotateRefreshToken(hash:access:newRefreshHash:at:)``).
public enum RefreshRotation: Sendable, Hashable {
    /// The token was current: it is spent, and a new access token and refresh token were stored.
    case rotated(OAuthGrant)
    /// The token had been spent before: the whole grant is revoked now (RFC 9700 section 4.14.2).
    case reused(grantID: Int64)
}

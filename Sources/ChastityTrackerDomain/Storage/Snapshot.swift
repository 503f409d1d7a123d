/// One user's complete data, with ids, token hashes, the password hash, idempotency state, webhooks
/// (with their secrets) and the apps they connected (grants with their token hashes): the unit in
/// which `copy` and `backup` move a database from one backend to another. Sessions, failed sign-in
/// counts, OAuth requests and codes waiting for their minute, and the webhook outbox are transient
/// and not part of it: after a copy people sign in again, an app mid-authorization starts over,
/// and each webhook is sent the user's state once more (the copy starts a new feed epoch).
public struct UserSnapshot: Sendable, Hashable {
    public var user: User
    /// The account pages' password hash, so that people keep signing in after a copy; `nil`
    /// when none is set.
    public var passwordHash: String?
    public var tokens: [StoredToken]
    public var orgasms: [Orgasm]
    public var idempotencyKeys: [StoredIdempotencyKey]
    public var webhooks: [StoredWebhook]
    public var grants: [StoredGrant]

    public init(
        user: User, passwordHash: String? = nil, tokens: [StoredToken], orgasms: [Orgasm], idempotencyKeys: [StoredIdempotencyKey],
        webhooks: [StoredWebhook] = [], grants: [StoredGrant] = []
    ) {
        self.user = user
        self.passwordHash = passwordHash
        self.tokens = tokens
        self.orgasms = orgasms
        self.idempotencyKeys = idempotencyKeys
        self.webhooks = webhooks
        self.grants = grants
    }
}

/// A webhook as stored: what the pages show, the secret it signs with, and the feed state it was
/// last sent (``ChangeState``'s text).
public struct StoredWebhook: Sendable, Hashable {
    public var webhook: Webhook
    public var secret: String
    public var notified: String

    public init(webhook: Webhook, secret: String, notified: String) {
        self.webhook = webhook
        self.secret = secret
        self.notified = notified
    }
}

/// An app's grant as stored: the grant, its access tokens (tokens rows with an expiry) and its
/// refresh tokens, by hash.
public struct StoredGrant: Sendable, Hashable {
    public var grant: OAuthGrant
    public var accessTokens: [StoredAccessToken]
    public var refreshTokens: [StoredRefreshToken]

    public init(grant: OAuthGrant, accessTokens: [StoredAccessToken], refreshTokens: [StoredRefreshToken]) {
        self.grant = grant
        self.accessTokens = accessTokens
        self.refreshTokens = refreshTokens
    }
}

/// A grant's access token as stored: a token and when it expires.
public struct StoredAccessToken: Sendable, Hashable {
    public var token: StoredToken
    public var expires: Timestamp?

    public init(token: StoredToken, expires: Timestamp?) {
        self.token = token
        self.expires = expires
    }
}

/// A grant's refresh token as stored: its hash, when it was issued and when it was spent.
public struct StoredRefreshToken: Sendable, Hashable {
    public var hash: String
    public var created: Timestamp
    public var used: Timestamp?

    public init(hash: String, created: Timestamp, used: Timestamp?) {
        self.hash = hash
        self.created = created
        self.used = used
    }
}

/// A token as stored: its listing plus the hash that authenticates it.
public struct StoredToken: Sendable, Hashable {
    public var info: TokenInfo
    public var hash: String

    public init(info: TokenInfo, hash: String) {
        self.info = info
        self.hash = hash
    }
}

/// An idempotency key as stored.
public struct StoredIdempotencyKey: Sendable, Hashable {
    public var key: String
    public var requestHash: String
    public var created: Timestamp
    public var response: StoredResponse?

    public init(key: String, requestHash: String, created: Timestamp, response: StoredResponse?) {
        self.key = key
        self.requestHash = requestHash
        self.created = created
        self.response = response
    }
}

/// How many rows a store holds, to verify a copy.
public struct StoreCounts: Sendable, Hashable, CustomStringConvertible {
    public var users: Int
    /// Personal tokens; an app's access tokens are counted with its grant.
    public var tokens: Int
    public var orgasms: Int
    public var idempotencyKeys: Int
    public var webhooks: Int
    public var oauthClients: Int
    public var oauthGrants: Int

    public init(
        users: Int, tokens: Int, orgasms: Int, idempotencyKeys: Int, webhooks: Int = 0, oauthClients: Int = 0, oauthGrants: Int = 0
    ) {
        self.users = users
        self.tokens = tokens
        self.orgasms = orgasms
        self.idempotencyKeys = idempotencyKeys
        self.webhooks = webhooks
        self.oauthClients = oauthClients
        self.oauthGrants = oauthGrants
    }

    /// Nothing at all: what `copy` asks of its target.
    public static let empty = StoreCounts(users: 0, tokens: 0, orgasms: 0, idempotencyKeys: 0)

    public var description: String {
        "\(users) users, \(tokens) tokens, \(orgasms) records, \(idempotencyKeys) idempotency keys, \(webhooks) webhooks, "
            + "\(oauthClients) OAuth clients, \(oauthGrants) app grants"
    }
}

/// One user's complete data, with ids, token hashes, the password hash and idempotency state:
/// the unit in which `copy` moves a database from one backend to another. Sessions and failed
/// sign-in counts are transient and not part of it: after a copy, people sign in again.
public struct UserSnapshot: Sendable, Hashable {
    public var user: User
    /// The account pages' password hash, so that people keep signing in after a copy; `nil`
    /// when none is set.
    public var passwordHash: String?
    public var tokens: [StoredToken]
    public var orgasms: [Orgasm]
    public var idempotencyKeys: [StoredIdempotencyKey]

    public init(
        user: User, passwordHash: String? = nil, tokens: [StoredToken], orgasms: [Orgasm], idempotencyKeys: [StoredIdempotencyKey]
    ) {
        self.user = user
        self.passwordHash = passwordHash
        self.tokens = tokens
        self.orgasms = orgasms
        self.idempotencyKeys = idempotencyKeys
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
    public var tokens: Int
    public var orgasms: Int
    public var idempotencyKeys: Int

    public init(users: Int, tokens: Int, orgasms: Int, idempotencyKeys: Int) {
        self.users = users
        self.tokens = tokens
        self.orgasms = orgasms
        self.idempotencyKeys = idempotencyKeys
    }

    public var description: String {
        "\(users) users, \(tokens) tokens, \(orgasms) records, \(idempotencyKeys) idempotency keys"
    }
}

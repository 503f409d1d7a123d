/// What a token may do: `read` allows GET only, `write` allows everything.
public enum Permission: String, Sendable, Hashable, CaseIterable {
    case read, write

    /// The permission a backend read from a row of `table`; anything else is a ``CorruptRow``,
    /// never a guess.
    public static func stored(_ text: String, table: String = "tokens") throws(CorruptRow) -> Permission {
        guard let permission = Permission(rawValue: text) else { throw CorruptRow(table: table) }
        return permission
    }
}

/// A token as listed to its operator; the secret itself is never stored.
public struct TokenInfo: Sendable, Hashable {
    public var id: Int64
    public var userID: Int64
    public var label: String
    public var permission: Permission
    public var created: Timestamp
    public var lastUsed: Timestamp?
    public var revoked: Timestamp?

    public init(
        id: Int64, userID: Int64, label: String, permission: Permission,
        created: Timestamp, lastUsed: Timestamp?, revoked: Timestamp?
    ) {
        self.id = id
        self.userID = userID
        self.label = label
        self.permission = permission
        self.created = created
        self.lastUsed = lastUsed
        self.revoked = revoked
    }

    /// Checks a label: at most 100 characters, no control characters.
    public static func validate(label: String) throws(ValidationError) {
        guard label.count <= 100, !label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ValidationError(field: "label", message: "a label is at most 100 characters without control characters")
        }
    }
}

/// Who is calling: the result of looking up a valid, unrevoked token.
public struct Principal: Sendable, Hashable {
    public var tokenID: Int64
    public var userID: Int64
    /// The owner's IANA time zone identifier.
    public var timeZone: String
    public var permission: Permission
    /// When the token was last used before this request, if ever.
    public var lastUsed: Timestamp?
    /// When the token stops working (an OAuth grant's access token); `nil` for a personal token,
    /// which works until it is revoked.
    public var expires: Timestamp?
    /// The OAuth grant the token is an access token of; `nil` for a personal token.
    public var grantID: Int64?
    /// The owner's changes feed state, read with the token in one statement, when the backend
    /// reads it there (SQLite); `nil` when it does not (PostgreSQL keeps principals in a cache that
    /// record writes do not empty, so a state there could be stale). An answer built from the
    /// owner's records at this state or later is current for the request that looked the token up:
    /// the server's read cache (`RecordReadCache`) is validated by it.
    public var recordsState: ChangeState?

    public init(
        tokenID: Int64, userID: Int64, timeZone: String, permission: Permission, lastUsed: Timestamp?, expires: Timestamp? = nil,
        grantID: Int64? = nil, recordsState: ChangeState? = nil
    ) {
        self.tokenID = tokenID
        self.userID = userID
        self.timeZone = timeZone
        self.permission = permission
        self.lastUsed = lastUsed
        self.expires = expires
        self.grantID = grantID
        self.recordsState = recordsState
    }

    /// What the rate limit counts under: the token, or for an OAuth access token its grant (a
    /// refresh, which brings a new access token, must not start a new allowance). Tokens' ids are
    /// positive, so a grant counts under its id negated.
    public var rateLimitKey: Int64 { grantID.map { -$0 } ?? tokenID }
}

/// A signed-in browser session of the account pages, as the store keeps it: by the hash of its
/// id only (the id itself lives in the browser's cookie).
public struct AccountSession: Sendable, Hashable {
    /// The user the session belongs to.
    public var user: User
    /// When the session began (the sign-in); the absolute expiry counts from here.
    public var created: Timestamp
    /// When the session was last used; the idle expiry counts from here.
    public var lastSeen: Timestamp

    public init(user: User, created: Timestamp, lastSeen: Timestamp) {
        self.user = user
        self.created = created
        self.lastSeen = lastSeen
    }
}

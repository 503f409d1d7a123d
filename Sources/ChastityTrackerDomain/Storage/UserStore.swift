/// The role of a store that keeps the users: who has an account, by name, and in which time zone.
///
/// Every write is one transaction. Every method may throw ``StoreError/unavailable`` when the
/// database cannot be reached; other failures are ``StoreError`` cases documented per method.
public protocol UserStore: Sendable {
    /// Creates a user. Throws ``StoreError/conflict`` when the name is taken.
    func createUser(name: String, timeZone: String, at created: Timestamp) async throws -> User
    /// All users, ordered by name.
    func users() async throws -> [User]
    /// The user with this name, or `nil`.
    func user(named name: String) async throws -> User?
    /// Deletes a user with their tokens, records, idempotency keys and sessions, and the failed
    /// sign-ins counted for their name, in one transaction. Returns whether the user existed.
    func deleteUser(id: Int64) async throws -> Bool
    /// Sets a user's time zone (an identifier ``TimeZones/zone(named:)`` accepts; the caller
    /// checks it). Returns `false` when the user does not exist.
    func setTimeZone(userID: Int64, timeZone: String) async throws -> Bool
}

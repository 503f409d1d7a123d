/// The role of a store that keeps the account pages' password hashes, one per user.
///
/// Every write is one transaction. Every method may throw ``StoreError/unavailable`` when the
/// database cannot be reached.
public protocol PasswordStore: Sendable {
    /// Stores a user's password hash (``Password/hash(_:parameters:)``'s string) and ends all of
    /// the user's sessions, in one transaction. Returns `false` when the user does not exist.
    func setPasswordHash(userID: Int64, hash: String) async throws -> Bool
    /// The user's stored password hash, or `nil` when none is set or the user does not exist.
    func passwordHash(userID: Int64) async throws -> String?
}

/// The role of a store that keeps the API's tokens, by the hash of their secret, and answers
/// who is behind one.
///
/// Every write is one transaction. Every method may throw ``StoreError/unavailable`` when the
/// database cannot be reached; other failures are ``StoreError`` cases documented per method.
public protocol TokenStore: Sendable {
    /// Stores a new token by its hash. Throws ``StoreError/missing`` when the user does not exist
    /// and ``StoreError/conflict`` when the hash is already stored.
    func createToken(
        userID: Int64, label: String, permission: Permission, hash: String, at created: Timestamp
    ) async throws -> TokenInfo
    /// The personal tokens of a user, oldest first (an OAuth grant's access tokens are the
    /// grant's: not listed, found, regenerated, counted or copied as personal tokens).
    func tokens(userID: Int64) async throws -> [TokenInfo]
    /// The personal token with this id, or `nil`.
    func token(id: Int64) async throws -> TokenInfo?
    /// Marks a token revoked; it stops working at once. Returns `false` when no such token exists.
    /// Revoking a revoked token keeps its first revocation time.
    func revokeToken(id: Int64, at revoked: Timestamp) async throws -> Bool
    /// Replaces the hash of an unrevoked token, so the old secret stops working at once.
    /// Returns `false` when no such unrevoked token exists.
    func replaceTokenHash(id: Int64, hash: String) async throws -> Bool
    /// The caller behind an unrevoked token with this hash, or `nil`.
    nonisolated(nonsending) func principal(forTokenHash hash: String) async throws -> Principal?
    /// Records that a token was used at `instant`.
    func touchToken(id: Int64, at instant: Timestamp) async throws
}

/// The role of a store that keeps the account pages' sessions, by the hash of their id, with
/// when each was created and last seen.
///
/// Every write is one transaction. Every method may throw ``StoreError/unavailable`` when the
/// database cannot be reached; other failures are ``StoreError`` cases documented per method.
public protocol AccountSessionStore: Sendable {
    /// Stores a new session of the account pages by the hash of its id. Throws
    /// ``StoreError/missing`` when the user does not exist and ``StoreError/conflict`` when the
    /// hash is already stored.
    func createSession(hash: String, userID: Int64, at created: Timestamp) async throws
    /// The session with this hash and its user, or `nil` when there is none or it expired: last
    /// seen before `idleCutoff`, or created before `absoluteCutoff`.
    func session(hash: String, lastSeenSince idleCutoff: Timestamp, createdSince absoluteCutoff: Timestamp) async throws -> AccountSession?
    /// Records that the session with this hash was used at `instant`.
    func touchSession(hash: String, at instant: Timestamp) async throws
    /// Deletes the session with this hash (signing out); returns whether it existed.
    func deleteSession(hash: String) async throws -> Bool
    /// Deletes every session of a user; returns how many. (Deleting the user deletes them too.)
    func deleteSessions(userID: Int64) async throws -> Int
    /// Deletes every expired session: last seen before `idleCutoff`, or created before
    /// `absoluteCutoff` (the sessions ``session(hash:lastSeenSince:createdSince:)`` no longer
    /// finds with the same cutoffs). Returns how many.
    func purgeSessions(lastSeenBefore idleCutoff: Timestamp, createdBefore absoluteCutoff: Timestamp) async throws -> Int
}

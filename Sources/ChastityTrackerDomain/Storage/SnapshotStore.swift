/// The role of a store that copies whole users in and out (``UserSnapshot``), ids and hashes
/// included: how `copy` moves a database from one backend to another (the OAuth clients, which
/// belong to no user, go first, through ``OAuthClientStore``).
///
/// Every method may throw ``StoreError/unavailable`` when the database cannot be reached; other
/// failures are ``StoreError`` cases documented per method.
public protocol SnapshotStore: Sendable {
    /// How many rows of each kind the store holds.
    func counts() async throws -> StoreCounts
    /// Everything of one user, ids and hashes included.
    func snapshot(of user: User) async throws -> UserSnapshot
    /// Writes a snapshot taken from another store, keeping every id and time, in one
    /// transaction; later inserts get ids above the restored ones. Throws
    /// ``StoreError/conflict`` when an id or name is already taken.
    func restore(_ snapshot: UserSnapshot) async throws
}

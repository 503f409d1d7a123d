/// The role of a store that keeps each user's changes feed (docs/CONTRACT.md section 13): a
/// counter per user moved by every write of the user's items in the write's own transaction, each
/// item's sequences of creation and last change, and a tombstone per deleted item, kept until
/// ``purgeTombstones(olderThan:)``.
///
/// Every write of ``OrgasmStore`` (and a restore of ``SnapshotStore``) keeps the feed; this role
/// reads it. Every method may throw ``StoreError/unavailable`` when the database cannot be
/// reached.
public protocol ChangeStore: Sendable {
    /// The user's current state, or `nil` when the user does not exist.
    nonisolated(nonsending) func changeState(userID: Int64) async throws -> ChangeState?
    /// The changes of a user's items after `since`, at most `limit` ids (``ChangesPage/cut(since:current:items:deletions:limit:)``),
    /// read in one snapshot with the state; ``ChangesAnswer/expired`` when `since` is of another
    /// epoch, later than the current state, or older than a forgotten deletion. `nil` when the
    /// user does not exist.
    nonisolated(nonsending) func changes(userID: Int64, since: ChangeState, limit: Int) async throws -> ChangesAnswer?
    /// Forgets the deletions made longer than `retention` ago, by the database's clock (one clock
    /// for every instance): a state older than one of them answers
    /// ``ChangesAnswer/expired`` from then on. Returns how many.
    func purgeTombstones(olderThan retention: Duration) async throws -> Int
}

/// The reads of an API request: the token lookup, the list and the details. A store answers them
/// itself, each on its own connection, and inside ``UnitOfWorkStore/withUnitOfWork(_:)`` all on one.
///
/// `nonisolated(nonsending)`: a read runs on its caller's executor instead of hopping to the
/// generic one, which under NIO's executor takeover is a task switch through the event loop's
/// queue on entry and another on return (issue 24, docs/BENCHMARKS.md). The reads are the
/// requests' hot path; nothing in them needs to leave the caller's executor.
public protocol StoreReads: Sendable {
    /// The caller behind an unrevoked token with this hash, or `nil`.
    nonisolated(nonsending) func principal(forTokenHash hash: String) async throws -> Principal?
    /// One page of a user's records matching `query`, ordered by date then id, both descending,
    /// and the number of all matches.
    nonisolated(nonsending) func orgasms(userID: Int64, matching query: OrgasmQuery) async throws -> OrgasmPage
    /// One of a user's records, or `nil` when it does not exist or is another user's.
    nonisolated(nonsending) func orgasm(id: Int64, userID: Int64) async throws -> Orgasm?
    /// The user's current changes feed state, or `nil` when the user does not exist (as
    /// ``ChangeStore/changeState(userID:)``).
    nonisolated(nonsending) func changeState(userID: Int64) async throws -> ChangeState?
    /// The changes of a user's items after `since` (as ``ChangeStore/changes(userID:since:limit:)``).
    nonisolated(nonsending) func changes(userID: Int64, since: ChangeState, limit: Int) async throws -> ChangesAnswer?
}

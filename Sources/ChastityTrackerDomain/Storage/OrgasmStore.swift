/// The role of a store that keeps the users' records: the API's list, details and writes, the
/// export's pages and the overview's monthly counts.
///
/// Every write is one transaction. Every method may throw ``StoreError/unavailable`` when the
/// database cannot be reached; other failures are ``StoreError`` cases documented per method.
public protocol OrgasmStore: Sendable {
    /// One page of a user's records matching `query`, ordered by date then id, both descending,
    /// and the number of all matches.
    nonisolated(nonsending) func orgasms(userID: Int64, matching query: OrgasmQuery) async throws -> OrgasmPage
    /// One of a user's records, or `nil` when it does not exist or is another user's.
    nonisolated(nonsending) func orgasm(id: Int64, userID: Int64) async throws -> Orgasm?
    /// Inserts records for a user, all or none, in order; returns them with their ids. With
    /// `completion`, the claimed idempotency key gets its rendered answer in the same transaction.
    /// With `quota`, an insert that would take the user's number of records past it is refused
    /// whole with ``StoreError/quotaExceeded(quota:)``; the check reads the user's exact total
    /// inside the insert's transaction, so concurrent writers (other instances too) never overshoot.
    /// Throws ``StoreError/missing`` when the user does not exist, and ``StoreError/conflict``
    /// when a retry took `completion`'s key over meanwhile (nothing is written).
    func insert(_ orgasms: [NewOrgasm], userID: Int64, quota: Int?, completing completion: IdempotencyCompletion?) async throws -> [Orgasm]
    /// Applies `changes` to one of a user's records (the dom rule applied to the result) and
    /// returns the result, or `nil` when it does not exist or is another user's.
    func update(id: Int64, userID: Int64, changes: OrgasmChanges) async throws -> Orgasm?
    /// Deletes one of a user's records; returns whether it existed and was theirs.
    func delete(id: Int64, userID: Int64) async throws -> Bool
    /// Up to `limit` of a user's records with ids above `afterID`, by ascending id: the export's
    /// bounded-memory pages.
    func orgasms(userID: Int64, afterID: Int64, limit: Int) async throws -> [Orgasm]
    /// How many of a user's records fall in each calendar month and mode, for dates from `from`
    /// to `to` (both inclusive), in one query over the user's (user_id, date) index; months and
    /// modes without records are left out, in no particular order.
    func monthlyCounts(userID: Int64, from: LocalDate, to: LocalDate) async throws -> [MonthlyCount]
}

extension OrgasmStore {
    /// Inserts records for a user, all or none, in order; returns them with their ids.
    public func insert(_ orgasms: [NewOrgasm], userID: Int64) async throws -> [Orgasm] {
        try await insert(orgasms, userID: userID, quota: nil, completing: nil)
    }

    /// Inserts records for a user without a quota, all or none, in order; with `completion`, the
    /// claimed idempotency key gets its rendered answer in the same transaction.
    public func insert(_ orgasms: [NewOrgasm], userID: Int64, completing completion: IdempotencyCompletion?) async throws -> [Orgasm] {
        try await insert(orgasms, userID: userID, quota: nil, completing: completion)
    }
}

public import ChastityTrackerDomain
import PostgresNIO

extension PostgresStore {
    nonisolated(nonsending) public func orgasms(userID: Int64, matching query: OrgasmQuery) async throws -> OrgasmPage {
        try await session { try await $0.orgasms(userID: userID, matching: query) }
    }

    nonisolated(nonsending) public func orgasm(id: Int64, userID: Int64) async throws -> Orgasm? {
        try await session { try await $0.orgasm(id: id, userID: userID) }
    }

    public func insert(_ orgasms: [NewOrgasm], userID: Int64, quota: Int?, completing completion: IdempotencyCompletion?) async throws -> [Orgasm] {
        guard !orgasms.isEmpty else { return [] }
        return try await boundedWrite { try await insertNow(orgasms, userID: userID, quota: quota, completing: completion) }
    }

    private func insertNow(_ orgasms: [NewOrgasm], userID: Int64, quota: Int?, completing completion: IdempotencyCompletion?) async throws -> [Orgasm]
    {
        // One prepared statement over parallel arrays (see InsertStatement).
        var bindings = PostgresBindings(capacity: 1 + PostgresOrgasmColumns.Arrays.insertCount)
        bindings.append(userID)
        PostgresOrgasmColumns.appendInsertArrays(of: orgasms, to: &bindings)
        let statement = InsertStatement(bindings: bindings)
        @Sendable func created(_ ids: [Int64]) throws -> [Orgasm] {
            guard ids.count == orgasms.count else { throw StoreError.unavailable }
            // Identity values are drawn in row order, so the ascending ids match the input order.
            return zip(ids.sorted(), orgasms).map { Orgasm(id: $0, $1) }
        }
        let insert: @Sendable (PostgresSession) async throws -> [Orgasm] = { session in
            try created(try await session.execute(statement))
        }
        guard quota != nil || completion != nil else { return try await session(insert) }
        if let quota, completion == nil {
            // The quota's check and the insert in one statement that commits alone.
            var quotaBindings = bindings
            quotaBindings.append(Int64(quota))
            let quotaInsert = QuotaInsertStatement(bindings: quotaBindings)
            let ids = try await session { try await $0.execute(quotaInsert) }
            guard !ids.isEmpty else { throw StoreError.quotaExceeded(quota: quota) }
            return try created(ids)
        }
        let count = Int64(orgasms.count)
        return try await transaction { session in
            if let quota {
                // Locks the user's total row (creating it at 0 when missing) until the commit, so
                // a concurrent insert of this user, from any instance, waits and then sees this
                // one's rows counted: two writers cannot both pass the check.
                guard let total = try await session.execute(LockTotalStatement(userID: userID)).first else {
                    throw CorruptRow(table: "orgasm_totals")
                }
                guard total + count <= Int64(quota) else { throw StoreError.quotaExceeded(quota: quota) }
            }
            let created = try await insert(session)
            guard let completion else { return created }
            let stored = completion.render(created)
            let claimedAt = completion.claimedAt?.millisecondsSinceEpoch
            let completed = try await session.rows(
                """
                UPDATE idempotency_keys SET status = \(stored.status), body = \(stored.body), location = \(stored.location)
                WHERE user_id = \(userID) AND key = \(completion.key) AND status IS NULL
                  AND (\(claimedAt)::bigint IS NULL OR created_ms = \(claimedAt))
                RETURNING 1
                """)
            guard completed.count == 1 else { throw StoreError.conflict("idempotency key \(completion.key) was taken over") }
            return created
        }
    }

    public func update(id: Int64, userID: Int64, changes: OrgasmChanges) async throws -> Orgasm? {
        try await boundedWrite { try await updateNow(id: id, userID: userID, changes: changes) }
    }

    /// How many times an update reads and compares-and-sets before it takes the record's lock.
    static let optimisticUpdateAttempts = 3

    private func updateNow(id: Int64, userID: Int64, changes: OrgasmChanges) async throws -> Orgasm? {
        // Read, apply the changes, and write only if the record is still as read: two prepared
        // statements on one connection, no transaction. A record changed in between is read
        // again; after a few such races the locking transaction below settles it.
        let settled: Orgasm?? = try await session { session in
            for _ in 0..<Self.optimisticUpdateAttempts {
                guard let current = try await session.orgasm(id: id, userID: userID) else { return .some(nil) }
                let updated = changes.applied(to: current)
                if !(try await session.execute(ConditionalUpdateStatement(old: current, new: updated, userID: userID)).isEmpty) {
                    return updated
                }
            }
            return nil
        }
        if let settled { return settled }
        return try await lockingUpdate(id: id, userID: userID, changes: changes)
    }

    /// The update as one transaction that locks the record while it applies the changes.
    func lockingUpdate(id: Int64, userID: Int64, changes: OrgasmChanges) async throws -> Orgasm? {
        try await transaction { session in
            let rows = try await session.rows(
                "SELECT \(unescaped: PostgresOrgasmColumns.selected) FROM orgasms WHERE id = \(id) AND user_id = \(userID) FOR UPDATE"
            )
            guard let current = try rows.first.map(PostgresOrgasmColumns.orgasm(from:)) else { return nil }
            let updated = changes.applied(to: current)
            // Locked, the record is still as read: the compare-and-set always writes here.
            guard !(try await session.execute(ConditionalUpdateStatement(old: current, new: updated, userID: userID)).isEmpty) else {
                throw StoreError.conflict("orgasm \(id) changed under its lock")
            }
            return updated
        }
    }

    public func delete(id: Int64, userID: Int64) async throws -> Bool {
        try await boundedWrite { try await deleteNow(id: id, userID: userID) }
    }

    /// Deletes one of a user's items and leaves its tombstone, the feed's next change: the item is
    /// locked first, then the user's totals row (the order of every write that locks both). The
    /// deletion's time is the database's clock, which the purge compares with.
    static let deleteStatement = """
        WITH gone AS (
            DELETE FROM orgasms WHERE id = $1 AND user_id = $2 RETURNING id, created_state
        ), feed AS (
            UPDATE orgasm_totals SET state = state + 1 WHERE user_id = $2 AND EXISTS (SELECT 1 FROM gone) RETURNING state
        )
        INSERT INTO tombstones (user_id, destroyed_state, id, created_state, destroyed_ms)
        SELECT $2, feed.state, gone.id, gone.created_state, (extract(epoch FROM clock_timestamp()) * 1000)::bigint FROM gone, feed
        RETURNING id
        """

    private func deleteNow(id: Int64, userID: Int64) async throws -> Bool {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(id)
        bindings.append(userID)
        return try await session { [bindings] session in
            !(try await session.rows(PostgresQuery(unsafeSQL: Self.deleteStatement, binds: bindings)).isEmpty)
        }
    }

    /// The export's page: a range of the (user_id, id) index, in its order (no sort).
    static let exportStatement = "SELECT \(PostgresOrgasmColumns.selected) FROM orgasms WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3"

    public func orgasms(userID: Int64, afterID: Int64, limit: Int) async throws -> [Orgasm] {
        var bindings = PostgresBindings()
        bindings.append(userID)
        bindings.append(afterID)
        bindings.append(Int64(limit))
        let statement = PostgresQuery(unsafeSQL: Self.exportStatement, binds: bindings)
        return try await session { session in
            try await session.rows(statement).map(PostgresOrgasmColumns.orgasm(from:))
        }
    }

    /// The overview chart's counts: a range of the `orgasms_owner_page` index (the user's
    /// dates between the bounds; no other user's rows), grouped by month and mode.
    static let monthlyCountsStatement = """
        SELECT extract(year FROM date)::bigint, extract(month FROM date)::bigint, mode, count(*) FROM orgasms
        WHERE user_id = $1 AND date >= $2::date AND date <= $3::date GROUP BY 1, 2, 3
        """

    public func monthlyCounts(userID: Int64, from: LocalDate, to: LocalDate) async throws -> [MonthlyCount] {
        var bindings = PostgresBindings()
        bindings.append(userID)
        bindings.append(from.description)
        bindings.append(to.description)
        let statement = PostgresQuery(unsafeSQL: Self.monthlyCountsStatement, binds: bindings)
        return try await session { session in
            try await session.rows(statement).map { row in
                let (year, month, modeText, count) = try row.decode((Int64, Int64, String, Int64).self)
                guard let mode = Mode(rawValue: modeText) else { throw CorruptRow(table: "orgasms") }
                return MonthlyCount(year: Int(year), month: Int(month), mode: mode, count: Int(count))
            }
        }
    }
}

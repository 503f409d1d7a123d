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
        // One prepared statement over parallel arrays (see InsertStatement), several requests'
        // in one while statements are busy (see InsertBatcher).
        if let completion { return try await insertCompleting(orgasms, userID: userID, quota: quota, completion: completion) }
        let request = InsertBatcher.Request(userID: userID, orgasms: orgasms, quota: quota)
        guard orgasms.count <= InsertBatcher.maximumItems else { return try await insertAlone(request) }
        return try await inserts.insert(request) { batch in await self.insertBatch(batch) }
    }

    /// The items with their ids, in the items' order, from the ids the insert returned (drawn in
    /// row order, so ascending ids match the input order).
    private static func created(_ ids: [Int64], for orgasms: [NewOrgasm]) throws -> [Orgasm] {
        guard ids.count == orgasms.count else { throw StoreError.unavailable }
        return zip(ids.sorted(), orgasms).map { Orgasm(id: $0, $1) }
    }

    /// An insert statement's bindings: `owner` (the user, or a user per item), then the items'
    /// arrays; the quota, when the statement takes one, comes after.
    private static func insertBindings(_ owner: some PostgresNonThrowingEncodable, _ orgasms: [NewOrgasm]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2 + PostgresOrgasmColumns.Arrays.insertCount)
        bindings.append(owner)
        PostgresOrgasmColumns.appendInsertArrays(of: orgasms, to: &bindings)
        return bindings
    }

    /// One request's insert in a statement of its own that commits alone, under the quota's
    /// check when there is a quota.
    private func insertAlone(_ request: InsertBatcher.Request) async throws -> [Orgasm] {
        var bindings = Self.insertBindings(request.userID, request.orgasms)
        guard let quota = request.quota else {
            let statement = InsertStatement(bindings: bindings)
            return try Self.created(try await session { try await $0.execute(statement) }, for: request.orgasms)
        }
        bindings.append(Int64(quota))
        let statement = QuotaInsertStatement(bindings: bindings)
        let ids = try await session { try await $0.execute(statement) }
        guard !ids.isEmpty else { throw StoreError.quotaExceeded(quota: quota) }
        return try Self.created(ids, for: request.orgasms)
    }

    /// Runs one of ``InsertBatcher``'s batches: a request alone as ``insertAlone(_:)``; several
    /// in a task of their own (so that a cancelled request fails no other) as
    /// ``sharedInsert(_:)``.
    func insertBatch(_ requests: [InsertBatcher.Request]) async -> [InsertBatcher.Outcome] {
        guard requests.count > 1 else { return [await Self.outcome { try await self.insertAlone(requests[0]) }] }
        return await Task { await self.sharedInsert(requests) }.value
    }

    /// Several requests' inserts in one ``BatchInsertStatement``; when it fails on a request's
    /// own rows (an integrity error: a user deleted meanwhile; or a deadlock), each request alone,
    /// so that it fails its own insert only. Any other failure (no connection in time, a
    /// read-only or full database) is every request's, as it would have been alone.
    private func sharedInsert(_ requests: [InsertBatcher.Request]) async -> [InsertBatcher.Outcome] {
        var users: [Int64] = []
        var items: [NewOrgasm] = []
        for request in requests {
            users.append(contentsOf: repeatElement(request.userID, count: request.orgasms.count))
            items.append(contentsOf: request.orgasms)
        }
        var bindings = Self.insertBindings(users, items)
        bindings.append(requests[0].quota.map(Int64.init))
        let statement = BatchInsertStatement(bindings: bindings)
        let rows: [BatchInsertStatement.Row]
        do {
            rows = try await withConnection { try await PostgresSession(connection: $0, logger: self.driverLogger).execute(statement) }
        } catch let error as PSQLError where error.code == .server && Self.failsOnOneRequest(error) {
            logger.debug("an insert batch failed; inserting its requests one by one", metadata: ["error": "\(Self.loggable(error))"])
            var outcomes: [InsertBatcher.Outcome] = []
            for request in requests { outcomes.append(await Self.outcome { try await self.insertAlone(request) }) }
            return outcomes
        } catch {
            let mapped = await Self.outcome { () async throws -> [Orgasm] in try await self.mappingErrors { throw error } }
            return requests.map { _ in mapped }
        }
        var ids: [Int64: [Int64]] = [:]
        for row in rows { ids[row.userID, default: []].append(row.id) }
        return requests.map { request in
            let created = ids[request.userID] ?? []
            if created.isEmpty, let quota = request.quota { return .failure(StoreError.quotaExceeded(quota: quota)) }
            return Result { try Self.created(created, for: request.orgasms) }
        }
    }

    /// Whether a shared insert's failure may be one request's: an integrity violation (class 23)
    /// or a transaction rollback (class 40: deadlock, serialization failure).
    private static func failsOnOneRequest(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("23") || state.hasPrefix("40")
    }

    private static func outcome<T>(_ work: () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await work()) } catch { return .failure(error) }
    }

    /// An insert that completes an idempotency key: the quota's check, the insert and the key's
    /// completion in one transaction.
    private func insertCompleting(_ orgasms: [NewOrgasm], userID: Int64, quota: Int?, completion: IdempotencyCompletion) async throws -> [Orgasm] {
        let statement = InsertStatement(bindings: Self.insertBindings(userID, orgasms))
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
            let created = try Self.created(try await session.execute(statement), for: orgasms)
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

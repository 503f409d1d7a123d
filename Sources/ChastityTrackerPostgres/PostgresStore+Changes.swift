public import ChastityTrackerDomain
import PostgresNIO

extension PostgresStore {
    /// A user's feed: its epoch, its state (0 before the first write of an item), and the latest
    /// state of a deletion it has forgotten.
    static let feedStatement = """
        SELECT change_feeds.epoch, coalesce(orgasm_totals.state, 0), change_feeds.forgotten
        FROM change_feeds LEFT JOIN orgasm_totals ON orgasm_totals.user_id = change_feeds.user_id
        WHERE change_feeds.user_id = $1
        """

    /// The items of a user changed after a state, by their last change: a range of the
    /// `orgasms_changes` index.
    static let changedItemsStatement = """
        SELECT \(PostgresOrgasmColumns.selected), created_state, changed_state FROM orgasms
        WHERE user_id = $1 AND changed_state > $2 ORDER BY changed_state LIMIT $3
        """

    /// The deletions after a state of items created up to it, in order: a range of the primary key.
    static let deletionsStatement = """
        SELECT id, created_state, destroyed_state FROM tombstones
        WHERE user_id = $1 AND destroyed_state > $2 AND created_state <= $2 ORDER BY destroyed_state LIMIT $3
        """

    public func changeState(userID: Int64) async throws -> ChangeState? {
        try await session { try await $0.changeState(userID: userID) }
    }

    public func changes(userID: Int64, since: ChangeState, limit: Int) async throws -> ChangesAnswer? {
        try await session { try await $0.changes(userID: userID, since: since, limit: limit) }
    }

    public func purgeTombstones(olderThan retention: Duration) async throws -> Int {
        let milliseconds = retention.wholeMilliseconds
        return try await transaction { session in
            // One cutoff for both statements, by the database's clock (the deletions' own). A
            // feed forgets up to its latest purged deletion: a state before it answers 410.
            let cutoff =
                try await session.rows("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint - \(milliseconds)")
                .first.map { try $0.decode(Int64.self) } ?? 0
            try await session.run(
                """
                UPDATE change_feeds SET forgotten = greatest(change_feeds.forgotten, purged.latest)
                FROM (SELECT user_id, max(destroyed_state) AS latest FROM tombstones WHERE destroyed_ms < \(cutoff) GROUP BY user_id) AS purged
                WHERE change_feeds.user_id = purged.user_id
                """)
            return try await session.rows("DELETE FROM tombstones WHERE destroyed_ms < \(cutoff) RETURNING 1").count
        }
    }
}

extension PostgresSession {
    /// The user's current state, or `nil` when the user does not exist.
    func changeState(userID: Int64) async throws -> ChangeState? {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(userID)
        return try await rows(PostgresQuery(unsafeSQL: PostgresStore.feedStatement, binds: bindings)).first.map { row in
            let (epoch, state, _) = try row.decode((String, Int64, Int64).self)
            return ChangeState(epoch: epoch, sequence: state)
        }
    }

    /// The changes after `since`, read on this connection in one `REPEATABLE READ` transaction:
    /// a write committing between two reads of READ COMMITTED would be in the rows but not the
    /// state, or the other way. On the request's own connection (a unit of work), so a GET of
    /// the feed never waits for a second pooled connection while it holds one.
    func changes(userID: Int64, since: ChangeState, limit: Int) async throws -> ChangesAnswer? {
        try await transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY") { session in
            try await session.changesInTransaction(userID: userID, since: since, limit: limit)
        }
    }

    private func changesInTransaction(userID: Int64, since: ChangeState, limit: Int) async throws -> ChangesAnswer? {
        var feedBindings = PostgresBindings(capacity: 1)
        feedBindings.append(userID)
        var rangeBindings = PostgresBindings(capacity: 3)
        rangeBindings.append(userID)
        rangeBindings.append(since.sequence)
        rangeBindings.append(Int64(limit) + 1)
        guard let feed = try await rows(PostgresQuery(unsafeSQL: PostgresStore.feedStatement, binds: feedBindings)).first else { return nil }
        let (epoch, state, forgotten) = try feed.decode((String, Int64, Int64).self)
        guard since.epoch == epoch, since.sequence <= state, since.sequence >= forgotten else { return .expired }
        let current = ChangeState(epoch: epoch, sequence: state)
        guard since.sequence < state else {
            return .page(ChangesPage(oldState: since, newState: current, hasMoreChanges: false, created: [], updated: [], destroyed: []))
        }
        let items = try await rows(PostgresQuery(unsafeSQL: PostgresStore.changedItemsStatement, binds: rangeBindings)).map { row -> FeedChange in
            var cells = Cells(row, table: "orgasms")
            let item = try PostgresOrgasmColumns.orgasm(&cells)
            return .item(item, created: try cells.next(Int64.self), changed: try cells.next(Int64.self))
        }
        let deletions = try await rows(PostgresQuery(unsafeSQL: PostgresStore.deletionsStatement, binds: rangeBindings)).map { row -> FeedChange in
            let (id, created, destroyed) = try row.decode((Int64, Int64, Int64).self)
            return .deletion(id: id, created: created, destroyed: destroyed)
        }
        return .page(ChangesPage.cut(since: since, current: current, items: items, deletions: deletions, limit: limit))
    }
}

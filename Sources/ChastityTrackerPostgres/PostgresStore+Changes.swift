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

    nonisolated(nonsending) public func changeState(userID: Int64) async throws -> ChangeState? {
        try await session { try await $0.changeState(userID: userID) }
    }

    nonisolated(nonsending) public func changes(userID: Int64, since: ChangeState, limit: Int) async throws -> ChangesAnswer? {
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

    /// The changes after `since`: one prepared statement, so one round trip and one snapshot
    /// (a statement sees one snapshot even under READ COMMITTED; three statements in a
    /// `REPEATABLE READ` transaction took five round trips, and a poll with nothing new ran at
    /// 0.38 of the details' rate). On the request's own connection (a unit of work), so a GET of
    /// the feed never waits for a second pooled connection while it holds one.
    func changes(userID: Int64, since: ChangeState, limit: Int) async throws -> ChangesAnswer? {
        var head: FeedHead?
        var items: [FeedChange] = []
        var deletions: [FeedChange] = []
        for row in try await execute(ChangesStatement(userID: userID, since: since, limit: limit)) {
            switch row {
            case .head(let value): head = value
            case .item(let change): items.append(change)
            case .deletion(let change): deletions.append(change)
            }
        }
        guard let head else { return nil }
        // Each part is ordered in its branch; the union of the branches promises no order.
        items.sort { $0.sequence < $1.sequence }
        deletions.sort { $0.sequence < $1.sequence }
        return ChangesAnswer(since: since, head: head, items: items, deletions: deletions, limit: limit)
    }
}

/// The feed's head and the first changes after a state, in one statement: one row for the head
/// (none for an unknown user), then up to `limit + 1` changed items by their last change (a range
/// of the `orgasms_changes` index) and up to `limit + 1` deletions of items created up to the state
/// (a range of the tombstones' primary key), both only when the state can be answered and is not
/// current. Every row has the same columns: a kind, the head's epoch, two sequences, and an item's
/// columns (``PostgresOrgasmColumns/selected``; a deletion fills only the id).
struct ChangesStatement: PostgresPreparedStatement {
    enum Row {
        case head(FeedHead)
        case item(FeedChange)
        case deletion(FeedChange)
    }

    static let name = "ct_changes"

    static let sql = """
        WITH head AS (
            SELECT change_feeds.epoch, coalesce(orgasm_totals.state, 0) AS state, change_feeds.forgotten
            FROM change_feeds LEFT JOIN orgasm_totals ON orgasm_totals.user_id = change_feeds.user_id
            WHERE change_feeds.user_id = $1
        ), answered AS (
            SELECT 1 FROM head WHERE epoch = $4 AND $2 >= forgotten AND $2 < state
        )
        SELECT 0, epoch, state, forgotten,
            NULL::bigint, NULL::bigint, NULL::text, NULL::boolean, NULL::text, NULL::text, NULL::bigint
        FROM head
        UNION ALL (
            SELECT 1, NULL, created_state, changed_state, \(PostgresOrgasmColumns.selected) FROM orgasms
            WHERE user_id = $1 AND changed_state > $2 AND EXISTS (SELECT FROM answered) ORDER BY changed_state LIMIT $3
        )
        UNION ALL (
            SELECT 2, NULL, created_state, destroyed_state, id, NULL, NULL, NULL, NULL, NULL, NULL FROM tombstones
            WHERE user_id = $1 AND destroyed_state > $2 AND created_state <= $2 AND EXISTS (SELECT FROM answered)
            ORDER BY destroyed_state LIMIT $3
        )
        """

    let userID: Int64
    let since: ChangeState
    let limit: Int

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(userID)
        bindings.append(since.sequence)
        bindings.append(Int64(limit) + 1)
        bindings.append(since.epoch)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        var cells = Cells(row, table: "orgasms")
        let kind = try cells.next(Int32.self)
        let epoch = try cells.next(String?.self)
        let first = try cells.next(Int64.self)
        let second = try cells.next(Int64.self)
        switch kind {
        case 0:
            guard let epoch else { throw CorruptRow(table: "change_feeds") }
            return .head(FeedHead(epoch: epoch, sequence: first, forgotten: second))
        case 1:
            return .item(.item(try PostgresOrgasmColumns.orgasm(&cells), created: first, changed: second))
        case 2:
            return .deletion(.deletion(id: try cells.next(Int64.self), created: first, destroyed: second))
        default:
            throw CorruptRow(table: "orgasms")
        }
    }
}

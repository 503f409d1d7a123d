public import ChastityTrackerDomain

extension SQLiteStore {
    nonisolated(nonsending) public func changeState(userID: Int64) async throws -> ChangeState? {
        try read(singleStatement: true) { connection in
            try connection.first("SELECT epoch, state FROM change_feeds WHERE user_id = +?", [.integer(userID)]) {
                ChangeState(epoch: $0.text(0), sequence: $0.integer(1))
            }
        }
    }

    /// The items of a user changed after a state, by their last change: a range of the
    /// `orgasms_changes` index.
    static let changedItemsStatement = """
        SELECT \(SQLiteOrgasmColumns.selected), created_state, changed_state FROM orgasms
        WHERE user_id = +? AND changed_state > ? ORDER BY changed_state LIMIT +?
        """

    /// The deletions after a state of items created up to it, in order: a range of the primary key.
    static let deletionsStatement = """
        SELECT id, created_state, destroyed_state FROM tombstones
        WHERE user_id = +? AND destroyed_state > ? AND created_state <= ? ORDER BY destroyed_state LIMIT +?
        """

    nonisolated(nonsending) public func changes(userID: Int64, since: ChangeState, limit: Int) async throws -> ChangesAnswer? {
        // One read transaction: the state and the rows come from one snapshot.
        try read { connection in
            guard
                let head = try connection.first(
                    "SELECT epoch, state, forgotten FROM change_feeds WHERE user_id = +?", [.integer(userID)],
                    { FeedHead(epoch: $0.text(0), sequence: $0.integer(1), forgotten: $0.integer(2)) })
            else { return nil }
            var items: [FeedChange] = []
            var deletions: [FeedChange] = []
            if head.hasChanges(after: since) {
                try connection.query(Self.changedItemsStatement, [.integer(userID), .integer(since.sequence), .integer(Int64(limit) + 1)]) {
                    row in
                    items.append(.item(try SQLiteOrgasmColumns.orgasm(from: row), created: row.integer(7), changed: row.integer(8)))
                }
                try connection.query(
                    Self.deletionsStatement, [.integer(userID), .integer(since.sequence), .integer(since.sequence), .integer(Int64(limit) + 1)]
                ) { row in
                    deletions.append(.deletion(id: row.integer(0), created: row.integer(1), destroyed: row.integer(2)))
                }
            }
            return ChangesAnswer(since: since, head: head, items: items, deletions: deletions, limit: limit)
        }
    }

    public func purgeTombstones(olderThan retention: Duration) async throws -> Int {
        let milliseconds = retention.wholeMilliseconds
        return try await write(bounded: false) { connection in
            // One cutoff for both statements, by the database's clock (the deletions' own).
            let cutoff =
                try connection.first("SELECT CAST(unixepoch('subsec') * 1000 AS INTEGER) - ?", [.integer(milliseconds)]) { $0.integer(0) } ?? 0
            // A feed forgets up to its latest purged deletion: a state before it answers 410.
            try connection.query(
                """
                UPDATE change_feeds SET forgotten = max(forgotten, (
                    SELECT max(destroyed_state) FROM tombstones WHERE tombstones.user_id = change_feeds.user_id AND destroyed_ms < ?))
                WHERE user_id IN (SELECT user_id FROM tombstones WHERE destroyed_ms < ?)
                """,
                [.integer(cutoff), .integer(cutoff)]
            )
            try connection.query("DELETE FROM tombstones WHERE destroyed_ms < ?", [.integer(cutoff)])
            return connection.changes
        }
    }
}

public import ChastityTrackerDomain

extension SQLiteStore {
    nonisolated(nonsending) public func orgasms(userID: Int64, matching query: OrgasmQuery) async throws -> OrgasmPage {
        let (countSQL, pageSQL, bindings) = Self.listStatements(userID: userID, matching: query)
        let countBindings = bindings
        let pageBindings = bindings + [.integer(Int64(query.limit)), .integer(Int64(query.offset))]
        return try read { connection in
            let total = try connection.first(countSQL, countBindings) { Int($0.integer(0)) } ?? 0
            var items: [Orgasm] = []
            items.reserveCapacity(min(query.limit, max(0, total - query.offset)))
            if query.offset < total {
                try connection.query(pageSQL, pageBindings) { items.append(try SQLiteOrgasmColumns.orgasm(from: $0)) }
            }
            return OrgasmPage(total: total, items: items)
        }
    }

    /// The count and page statements for the filters of `query` (one statement per set of
    /// filters present, each answered from the `orgasms_owner_page` covering index; without
    /// filters the count is the kept `orgasm_totals` row), and the filters' values; the page
    /// statement takes the limit and offset after them.
    ///
    /// `user_id = +?` and `LIMIT +?` rather than bare parameters, here and in the other
    /// per-request statements: SQLite 3.54 compiles a statement again (a full parse, as costly
    /// as the query) when the value of a bare `LIMIT ?` changes, or that of a `column = ?`
    /// changes between 0 or 1 and anything else (user 1 and the others). The unary plus keeps
    /// the index and the plan and drops that re-planning (SQLiteStoreTests checks both).
    static func listStatements(userID: Int64, matching query: OrgasmQuery) -> (count: String, page: String, bindings: [SQLiteValue]) {
        var filters = 0
        var bindings: [SQLiteValue] = [.integer(userID)]
        if let from = query.from {
            filters |= 1
            bindings.append(.text(from.description))
        }
        if let to = query.to {
            filters |= 2
            bindings.append(.text(to.description))
        }
        if let isPublic = query.isPublic {
            filters |= 4
            bindings.append(.integer(isPublic ? 1 : 0))
        }
        if let mode = query.mode {
            filters |= 8
            bindings.append(.text(mode.rawValue))
        }
        let statements = listSQL[filters]
        return (statements.count, statements.page, bindings)
    }

    /// The list's SQL for each set of filters present (bit 1 from, 2 to, 4 public, 8 mode, in
    /// the order their values are bound), written once rather than on every request.
    private static let listSQL: [(count: String, page: String)] = (0..<16).map { filters in
        let conditions =
            ["user_id = +?"]
            + [(1, "date >= ?"), (2, "date <= ?"), (4, "public = ?"), (8, "mode = ?")].filter { filters & $0.0 != 0 }.map(\.1)
        let filter = conditions.joined(separator: " AND ")
        return (
            // Without filters, the total the triggers keep (no row: no records yet).
            filters == 0
                ? "SELECT total FROM orgasm_totals WHERE user_id = +?"
                : "SELECT count(*) FROM orgasms WHERE \(filter)",
            "SELECT \(SQLiteOrgasmColumns.selected) FROM orgasms WHERE \(filter) ORDER BY date DESC, id DESC LIMIT +? OFFSET ?"
        )
    }

    nonisolated(nonsending) public func orgasm(id: Int64, userID: Int64) async throws -> Orgasm? {
        try read(singleStatement: true) { connection in
            try Self.orgasm(id: id, userID: userID, on: connection)
        }
    }

    public func insert(_ orgasms: [NewOrgasm], userID: Int64, quota: Int?, completing completion: IdempotencyCompletion?) async throws -> [Orgasm] {
        try await write { connection in
            if let quota {
                // The single writer runs this job alone, so the kept total cannot change between
                // this check and the inserts below.
                let total = try connection.first("SELECT total FROM orgasm_totals WHERE user_id = ?", [.integer(userID)]) { $0.integer(0) } ?? 0
                guard total + Int64(orgasms.count) <= Int64(quota) else { throw StoreError.quotaExceeded(quota: quota) }
            }
            // The feed moves by one per item, in this write's transaction (the single writer
            // runs it alone): item i of the batch is change `first + i`.
            guard let last = try connection.first(Self.advanceFeedStatement, [.integer(Int64(orgasms.count)), .integer(userID)], { $0.integer(0) })
            else { throw StoreError.missing("user \(userID)") }
            let first = last - Int64(orgasms.count) + 1
            let insert =
                "INSERT INTO orgasms (user_id, created_state, changed_state, \(SQLiteOrgasmColumns.written)) VALUES (?, ?, ?, \(SQLiteOrgasmColumns.writtenPlaceholders))"
            let created = try orgasms.enumerated().map { index, new in
                // The id is the store's; 0 only fills the item until the row has its own.
                let sequence = SQLiteValue.integer(first + Int64(index))
                try connection.query(insert, [.integer(userID), sequence, sequence] + SQLiteOrgasmColumns.values(of: Orgasm(id: 0, new)))
                return Orgasm(id: connection.lastInsertID, new)
            }
            if let completion {
                let stored = completion.render(created)
                try connection.query(
                    """
                    UPDATE idempotency_keys SET status = ?, body = ?, location = ?
                    WHERE user_id = ? AND key = ? AND status IS NULL AND (? IS NULL OR created_ms = ?)
                    """,
                    [
                        .integer(Int64(stored.status)), .text(stored.body), .optionalText(stored.location), .integer(userID),
                        .text(completion.key), .optionalInteger(completion.claimedAt?.millisecondsSinceEpoch),
                        .optionalInteger(completion.claimedAt?.millisecondsSinceEpoch),
                    ]
                )
                guard connection.changes == 1 else { throw StoreError.conflict("idempotency key \(completion.key) was taken over") }
            }
            return created
        }
    }

    public func update(id: Int64, userID: Int64, changes: OrgasmChanges) async throws -> Orgasm? {
        try await write { connection in
            guard let current = try Self.orgasm(id: id, userID: userID, on: connection) else { return nil }
            let updated = changes.applied(to: current)
            guard let sequence = try connection.first(Self.advanceFeedStatement, [.integer(1), .integer(userID)], { $0.integer(0) }) else {
                throw StoreError.missing("user \(userID)")
            }
            try connection.query(
                "UPDATE orgasms SET \(SQLiteOrgasmColumns.editable), changed_state = ? WHERE id = ? AND user_id = +?",
                Array(SQLiteOrgasmColumns.values(of: updated).prefix(SQLiteOrgasmColumns.editableCount))
                    + [.integer(sequence), .integer(id), .integer(userID)]
            )
            return updated
        }
    }

    public func delete(id: Int64, userID: Int64) async throws -> Bool {
        try await write { connection in
            guard
                let created = try connection.first(
                    "DELETE FROM orgasms WHERE id = ? AND user_id = +? RETURNING created_state", [.integer(id), .integer(userID)], { $0.integer(0) })
            else { return false }
            // The deletion is the feed's next change, remembered by a tombstone until purged.
            guard let sequence = try connection.first(Self.advanceFeedStatement, [.integer(1), .integer(userID)], { $0.integer(0) }) else {
                throw StoreError.missing("user \(userID)")
            }
            try connection.query(
                """
                INSERT INTO tombstones (user_id, destroyed_state, id, created_state, destroyed_ms)
                VALUES (?, ?, ?, ?, CAST(unixepoch('subsec') * 1000 AS INTEGER))
                """,
                [.integer(userID), .integer(sequence), .integer(id), .integer(created)]
            )
            return true
        }
    }

    /// Moves a user's feed by `?` changes and returns its new state (no row: no such user).
    static let advanceFeedStatement = "UPDATE change_feeds SET state = state + ? WHERE user_id = +? RETURNING state"

    /// The export's page: a range of the user_id index, whose entries are in rowid (id) order
    /// within a user, so no sort.
    static let exportStatement = "SELECT \(SQLiteOrgasmColumns.selected) FROM orgasms WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?"

    public func orgasms(userID: Int64, afterID: Int64, limit: Int) async throws -> [Orgasm] {
        try read { connection in
            var items: [Orgasm] = []
            try connection.query(
                Self.exportStatement,
                [.integer(userID), .integer(afterID), .integer(Int64(limit))]
            ) { items.append(try SQLiteOrgasmColumns.orgasm(from: $0)) }
            return items
        }
    }

    /// The overview chart's counts: a range of the `orgasms_owner_page` covering index (the
    /// user's dates between the bounds; no other user's rows), grouped by month and mode. Dates
    /// are stored `YYYY-MM-DD`, so the first seven characters name the month.
    static let monthlyCountsStatement = """
        SELECT CAST(substr(date, 1, 4) AS INTEGER), CAST(substr(date, 6, 2) AS INTEGER), mode, count(*) FROM orgasms
        WHERE user_id = +? AND date >= ? AND date <= ? GROUP BY substr(date, 1, 7), mode
        """

    public func monthlyCounts(userID: Int64, from: LocalDate, to: LocalDate) async throws -> [MonthlyCount] {
        try read { connection in
            var counts: [MonthlyCount] = []
            try connection.query(Self.monthlyCountsStatement, [.integer(userID), .text(from.description), .text(to.description)]) { row in
                guard let mode = row.mode(2) else { throw CorruptRow(table: "orgasms") }
                counts.append(MonthlyCount(year: Int(row.integer(0)), month: Int(row.integer(1)), mode: mode, count: Int(row.integer(3))))
            }
            return counts
        }
    }

    /// One record of a user by id.
    static let detailsStatement = "SELECT \(SQLiteOrgasmColumns.selected) FROM orgasms WHERE id = ? AND user_id = +?"

    private static func orgasm(id: Int64, userID: Int64, on connection: SQLiteConnection) throws -> Orgasm? {
        try connection.first(
            detailsStatement, [.integer(id), .integer(userID)], SQLiteOrgasmColumns.orgasm(from:)
        )
    }

}

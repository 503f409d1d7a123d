public import ChastityTrackerDomain
import PostgresNIO

extension PostgresStore {
    // The date travels as days since 1970-01-01 on the way out, which no DateStyle setting changes.
    private static let columns = "id, (date - DATE '1970-01-01')::bigint, mode, public, type, grantedby, inserted_ms"

    public func orgasms(userID: Int64, matching query: OrgasmQuery) async throws -> OrgasmPage {
        // The SQL holds only placeholders; every value is bound.
        var bindings = PostgresBindings()
        var conditions: [String] = []
        func condition(_ column: String, _ value: some PostgresDynamicTypeEncodable, cast: String = "") {
            bindings.append(value)
            conditions.append("\(column) $\(bindings.count)\(cast)")
        }
        condition("user_id =", userID)
        if let from = query.from { condition("date >=", from.description, cast: "::date") }
        if let to = query.to { condition("date <=", to.description, cast: "::date") }
        if let isPublic = query.isPublic { condition("public =", isPublic) }
        if let mode = query.mode { condition("mode =", mode.rawValue) }
        let filter = conditions.joined(separator: " AND ")
        bindings.append(Int64(query.limit))
        bindings.append(Int64(query.offset))
        // One statement (one round trip, one snapshot) answers the total and the page: every
        // row carries the total, and a page past the end is the one row with no record in it.
        let statement = PostgresQuery(
            unsafeSQL: """
                SELECT total.n, page.id, (page.date - DATE '1970-01-01')::bigint, page.mode, page.public,
                       page.type, page.grantedby, page.inserted_ms
                FROM (SELECT count(*) AS n FROM orgasms WHERE \(filter)) AS total
                LEFT JOIN LATERAL (
                    SELECT id, date, mode, public, type, grantedby, inserted_ms FROM orgasms WHERE \(filter)
                    ORDER BY date DESC, id DESC LIMIT $\(bindings.count - 1) OFFSET $\(bindings.count)
                ) AS page ON true
                ORDER BY page.date DESC, page.id DESC
                """,
            binds: bindings
        )
        return try await session { session in
            var total = 0
            var items: [Orgasm] = []
            items.reserveCapacity(query.limit)
            for row in try await session.rows(statement) {
                let (count, id, days, modeText, isPublic, type, grantedBy, inserted) =
                    try row.decode((Int64, Int64?, Int64?, String?, Bool?, String?, String?, Int64?).self)
                total = Int(count)
                guard let id else { continue }  // the one row of a page past the end
                guard let days, let modeText, let isPublic, let inserted else { throw CorruptRow(table: "orgasms") }
                items.append(
                    try Self.orgasm(
                        id: id, days: days, mode: modeText, isPublic: isPublic, type: type, grantedBy: grantedBy, inserted: inserted
                    ))
            }
            return OrgasmPage(total: total, items: items)
        }
    }

    public func orgasm(id: Int64, userID: Int64) async throws -> Orgasm? {
        try await session { session in
            try await session.rows("SELECT \(unescaped: Self.columns) FROM orgasms WHERE id = \(id) AND user_id = \(userID)")
                .first.map(Self.orgasm(from:))
        }
    }

    public func insert(_ orgasms: [NewOrgasm], userID: Int64, quota: Int?, completing completion: IdempotencyCompletion?) async throws -> [Orgasm] {
        guard !orgasms.isEmpty else { return [] }
        return try await boundedWrite { try await insertNow(orgasms, userID: userID, quota: quota, completing: completion) }
    }

    private func insertNow(_ orgasms: [NewOrgasm], userID: Int64, quota: Int?, completing completion: IdempotencyCompletion?) async throws -> [Orgasm]
    {
        // One statement over parallel arrays, so a batch of any size is one round trip and all or
        // none. Arrays cannot hold NULL here, so nullable texts come with a "present" flag.
        let dates = orgasms.map(\.date.description)
        let modes = orgasms.map(\.mode.rawValue)
        let publics = orgasms.map(\.isPublic)
        let types = orgasms.map { $0.type ?? "" }
        let hasTypes = orgasms.map { $0.type != nil }
        let grantors = orgasms.map { $0.grantedBy ?? "" }
        let hasGrantors = orgasms.map { $0.grantedBy != nil }
        let inserted = orgasms.map(\.inserted.millisecondsSinceEpoch)
        let insert: @Sendable (PostgresSession) async throws -> [Orgasm] = { session in
            let ids = try await session.rows(
                """
                INSERT INTO orgasms (user_id, date, mode, public, type, grantedby, inserted_ms)
                SELECT \(userID), item.date::date, item.mode, item.public,
                       CASE WHEN item.has_type THEN item.type END,
                       CASE WHEN item.has_grantedby THEN item.grantedby END,
                       item.inserted_ms
                FROM unnest(\(dates)::text[], \(modes)::text[], \(publics)::boolean[], \(types)::text[], \(hasTypes)::boolean[],
                            \(grantors)::text[], \(hasGrantors)::boolean[], \(inserted)::bigint[])
                     WITH ORDINALITY AS item(date, mode, public, type, has_type, grantedby, has_grantedby, inserted_ms, position)
                ORDER BY item.position
                RETURNING id
                """
            ).map { try $0.decode(Int64.self) }
            guard ids.count == orgasms.count else { throw StoreError.unavailable }
            // Identity values are drawn in row order, so the ascending ids match the input order.
            return zip(ids.sorted(), orgasms).map { id, new in
                Orgasm(
                    id: id, date: new.date, mode: new.mode, isPublic: new.isPublic,
                    type: new.type, grantedBy: new.grantedBy, inserted: new.inserted
                )
            }
        }
        guard quota != nil || completion != nil else { return try await session(insert) }
        let count = Int64(orgasms.count)
        return try await transaction { session in
            if let quota {
                // Locks the user's total row (creating it at 0 when missing) until the commit, so
                // a concurrent insert of this user, from any instance, waits and then sees this
                // one's rows counted: two writers cannot both pass the check.
                let rows = try await session.rows(
                    """
                    INSERT INTO orgasm_totals (user_id, total) VALUES (\(userID), 0)
                    ON CONFLICT (user_id) DO UPDATE SET total = orgasm_totals.total
                    RETURNING total
                    """)
                guard let total = try rows.first?.decode(Int64.self) else { throw CorruptRow(table: "orgasm_totals") }
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

    private func updateNow(id: Int64, userID: Int64, changes: OrgasmChanges) async throws -> Orgasm? {
        try await transaction { session in
            let rows = try await session.rows(
                "SELECT \(unescaped: Self.columns) FROM orgasms WHERE id = \(id) AND user_id = \(userID) FOR UPDATE"
            )
            guard let current = try rows.first.map(Self.orgasm(from:)) else { return nil }
            let updated = changes.applied(to: current)
            try await session.run(
                """
                UPDATE orgasms
                SET date = \(updated.date.description)::date, mode = \(updated.mode.rawValue), public = \(updated.isPublic),
                    type = \(updated.type), grantedby = \(updated.grantedBy)
                WHERE id = \(id) AND user_id = \(userID)
                """)
            return updated
        }
    }

    public func delete(id: Int64, userID: Int64) async throws -> Bool {
        try await boundedWrite { try await deleteNow(id: id, userID: userID) }
    }

    private func deleteNow(id: Int64, userID: Int64) async throws -> Bool {
        try await session { session in
            !(try await session.rows("DELETE FROM orgasms WHERE id = \(id) AND user_id = \(userID) RETURNING id").isEmpty)
        }
    }

    /// The export's page: a range of the (user_id, id) index, in its order (no sort).
    static let exportStatement = "SELECT \(columns) FROM orgasms WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3"

    public func orgasms(userID: Int64, afterID: Int64, limit: Int) async throws -> [Orgasm] {
        var bindings = PostgresBindings()
        bindings.append(userID)
        bindings.append(afterID)
        bindings.append(Int64(limit))
        let statement = PostgresQuery(unsafeSQL: Self.exportStatement, binds: bindings)
        return try await session { session in
            try await session.rows(statement).map(Self.orgasm(from:))
        }
    }

    /// The overview chart's counts: a range of the `orgasms_owner_date_id` index (the user's
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

    static func orgasm(from row: PostgresRow) throws -> Orgasm {
        let (id, days, modeText, isPublic, type, grantedBy, inserted) =
            try row.decode((Int64, Int64, String, Bool, String?, String?, Int64).self)
        return try orgasm(id: id, days: days, mode: modeText, isPublic: isPublic, type: type, grantedBy: grantedBy, inserted: inserted)
    }

    /// A record from the columns as stored (the date as days since 1970-01-01).
    private static func orgasm(
        id: Int64, days: Int64, mode modeText: String, isPublic: Bool, type: String?, grantedBy: String?, inserted: Int64
    ) throws -> Orgasm {
        guard let date = LocalDate(daysSinceEpoch: Int(days)), let mode = Mode(rawValue: modeText) else {
            throw CorruptRow(table: "orgasms")
        }
        return Orgasm(
            id: id, date: date, mode: mode, isPublic: isPublic,
            type: type, grantedBy: grantedBy, inserted: Timestamp(millisecondsSinceEpoch: inserted)
        )
    }
}

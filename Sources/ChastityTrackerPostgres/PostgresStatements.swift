import ChastityTrackerDomain
import PostgresNIO

// The statements of the API's hot path, as named prepared statements: PostgresNIO prepares each
// once per pooled connection (the first use on a connection sends Parse, later ones only Bind and
// Execute), so PostgreSQL parses and plans them once per connection instead of once per request.
// The names are short and explicit: PostgreSQL keeps a prepared statement's name in a
// NAMEDATALEN (64-byte) key, and PostgresNIO's default name (the Swift type's full name) could
// be cut off there and collide.

/// One set of the list's filters, as a type: a prepared statement's SQL is static, so each set
/// of filters present has its statement type (16 in all; the SQLite backend caches two
/// statements per set, a count and a page).
protocol ListFilterSet {
    /// Bit 1 from, 2 to, 4 public, 8 mode, in the order their values are bound.
    static var filters: Int { get }
}

extension ListFilterSet {
    /// Runs this filter set's list statement on `session` with `bindings`.
    static func list(on session: PostgresSession, _ bindings: PostgresBindings) async throws -> [ListRow] {
        try await session.execute(ListStatement<Self>(bindings: bindings))
    }
}

enum ListFilters0: ListFilterSet { static var filters: Int { 0 } }
enum ListFilters1: ListFilterSet { static var filters: Int { 1 } }
enum ListFilters2: ListFilterSet { static var filters: Int { 2 } }
enum ListFilters3: ListFilterSet { static var filters: Int { 3 } }
enum ListFilters4: ListFilterSet { static var filters: Int { 4 } }
enum ListFilters5: ListFilterSet { static var filters: Int { 5 } }
enum ListFilters6: ListFilterSet { static var filters: Int { 6 } }
enum ListFilters7: ListFilterSet { static var filters: Int { 7 } }
enum ListFilters8: ListFilterSet { static var filters: Int { 8 } }
enum ListFilters9: ListFilterSet { static var filters: Int { 9 } }
enum ListFilters10: ListFilterSet { static var filters: Int { 10 } }
enum ListFilters11: ListFilterSet { static var filters: Int { 11 } }
enum ListFilters12: ListFilterSet { static var filters: Int { 12 } }
enum ListFilters13: ListFilterSet { static var filters: Int { 13 } }
enum ListFilters14: ListFilterSet { static var filters: Int { 14 } }
enum ListFilters15: ListFilterSet { static var filters: Int { 15 } }

/// The list's total and page in one statement and one row (one round trip, one snapshot) for
/// one set of filters: the page's records come as parallel arrays, so the server receives and
/// decodes one row however long the page is; a page past the end has no arrays. The arrays are
/// aligned (one aggregate pass feeds them all) but in no promised order; the caller sorts.
struct ListStatement<Filters: ListFilterSet>: PostgresPreparedStatement {
    typealias Row = ListRow

    static var name: String { listNames[Filters.filters] }
    static var sql: String { listSQL[Filters.filters] }

    /// The user's id, the filters' values, the limit and the offset.
    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        var cells = Cells(row, table: "orgasms")
        return ListRow(total: try cells.next(Int64.self), page: try PostgresOrgasmColumns.Arrays(&cells))
    }
}

/// A row's columns decoded one at a time, each with its concrete type. `PostgresRow.decode` of a
/// tuple goes through variadic generics that are not specialised here: it looked up generic
/// metadata for every row, 9.5% of the server's CPU samples under the list's load against 6.4%
/// this way (docs/BENCHMARKS.md, issue 12).
struct Cells {
    private var iterator: PostgresRow.Iterator
    private let table: String

    init(_ row: PostgresRow, table: String) {
        self.iterator = row.makeIterator()
        self.table = table
    }

    /// The next column as a `T`; a missing column is a corrupt row.
    mutating func next<T: PostgresDecodable>(_ type: T.Type) throws -> T {
        guard let cell = iterator.next() else { throw CorruptRow(table: table) }
        return try cell.decode(T.self)
    }

    /// The next column as a one-dimensional array without NULLs, of elements of type `element`
    /// read by `read` from each element's bytes; a NULL array is empty. PostgresNIO's generic
    /// `Array` decoding looked up generic metadata for every element, 15% of the server's CPU
    /// samples under the list's load (docs/BENCHMARKS.md, issue 12); this reads PostgreSQL's
    /// binary array format (array_send) directly.
    mutating func nextArray<Element>(of element: PostgresDataType, _ read: (inout ByteBuffer) -> Element?) throws -> [Element] {
        guard let cell = iterator.next() else { throw CorruptRow(table: table) }
        return try Self.array(cell, of: element, table: table, read)
    }

    /// The elements of `cell`, a one-dimensional binary array without NULLs of `element`s
    /// (see ``nextArray(of:_:)``).
    static func array<Element>(
        _ cell: PostgresCell, of element: PostgresDataType, table: String, _ read: (inout ByteBuffer) -> Element?
    ) throws -> [Element] {
        guard var bytes = cell.bytes else { return [] }
        guard cell.format == .binary,
            let (dimensions, hasNulls, type) = bytes.readMultipleIntegers(as: (Int32, Int32, UInt32).self),
            hasNulls == 0, type == element.rawValue
        else { throw CorruptRow(table: table) }
        guard dimensions != 0 else { return [] }
        guard dimensions == 1, let (count, _) = bytes.readMultipleIntegers(as: (Int32, Int32).self), count >= 0 else {
            throw CorruptRow(table: table)
        }
        var elements: [Element] = []
        elements.reserveCapacity(min(Int(count), bytes.readableBytes / 4))  // each element has at least its length
        for _ in 0..<count {
            guard let length = bytes.readInteger(as: Int32.self), length >= 0, var value = bytes.readSlice(length: Int(length)),
                let decoded = read(&value), value.readableBytes == 0
            else { throw CorruptRow(table: table) }
            elements.append(decoded)
        }
        guard bytes.readableBytes == 0 else { throw CorruptRow(table: table) }
        return elements
    }
}

/// The one row of a list statement: the total, then the page's columns as parallel arrays
/// (empty on a page past the end).
struct ListRow {
    var total: Int64
    var page: PostgresOrgasmColumns.Arrays
}

/// The statement type of the set of filters with these bits (a function, not a global array
/// of metatypes, which Swift 6 does not consider Sendable before 6.2's `SendableMetatype`).
func listFilterSet(_ filters: Int) -> any ListFilterSet.Type {
    switch filters {
    case 0: ListFilters0.self
    case 1: ListFilters1.self
    case 2: ListFilters2.self
    case 3: ListFilters3.self
    case 4: ListFilters4.self
    case 5: ListFilters5.self
    case 6: ListFilters6.self
    case 7: ListFilters7.self
    case 8: ListFilters8.self
    case 9: ListFilters9.self
    case 10: ListFilters10.self
    case 11: ListFilters11.self
    case 12: ListFilters12.self
    case 13: ListFilters13.self
    case 14: ListFilters14.self
    default: ListFilters15.self
    }
}

private let listNames: [String] = (0..<16).map { "ct_list_\($0)" }

/// The list's SQL for each set of filters, written once.
let listSQL: [String] = (0..<16).map { filters in
    var conditions = ["user_id = $1"]
    var parameter = 1
    for (bit, column, cast) in [(1, "date >=", "::date"), (2, "date <=", "::date"), (4, "public =", ""), (8, "mode =", "")] where filters & bit != 0 {
        parameter += 1
        conditions.append("\(column) $\(parameter)\(cast)")
    }
    let filter = conditions.joined(separator: " AND ")
    // Without filters, the total the triggers keep (no row: no records yet), as the SQLite
    // backend does; with filters, a count over the orgasms_owner_page index (migration 6).
    let total =
        filters == 0
        ? "SELECT coalesce((SELECT total FROM orgasm_totals WHERE user_id = $1), 0)"
        : "SELECT count(*) FROM orgasms WHERE \(filter)"
    return """
        SELECT (\(total)) AS n, \(PostgresOrgasmColumns.aggregated)
        FROM (
            SELECT \(PostgresOrgasmColumns.stored) FROM orgasms WHERE \(filter)
            ORDER BY date DESC, id DESC LIMIT $\(parameter + 1) OFFSET $\(parameter + 2)
        ) AS page
        """
}

/// One of a user's records by id.
struct DetailsStatement: PostgresPreparedStatement {
    typealias Row = Orgasm
    static let name = "ct_details"
    static let sql = "SELECT \(PostgresOrgasmColumns.selected) FROM orgasms WHERE id = $1 AND user_id = $2"

    let id: Int64
    let userID: Int64

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(id)
        bindings.append(userID)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try PostgresOrgasmColumns.orgasm(from: row) }
}

/// The caller behind an unrevoked token, by the token's hash.
struct PrincipalStatement: PostgresPreparedStatement {
    typealias Row = (Int64, Int64, String, String, Int64?, Int64?, Int64?)
    static let name = "ct_principal"
    static let sql = """
        SELECT tokens.id, tokens.user_id, users.time_zone, tokens.permission, tokens.last_used_ms, tokens.expires_ms,
            tokens.grant_id
        FROM tokens JOIN users ON users.id = tokens.user_id
        WHERE tokens.hash = $1 AND tokens.revoked_ms IS NULL
        """

    let hash: String

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(hash)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        var cells = Cells(row, table: "tokens")
        return (
            try cells.next(Int64.self), try cells.next(Int64.self), try cells.next(String.self), try cells.next(String.self),
            try cells.next(Int64?.self), try cells.next(Int64?.self), try cells.next(Int64?.self)
        )
    }
}

/// Changes one of a user's items from `old` to `new` only if it still is `old` (compare and set,
/// no explicit transaction); no row back means it changed or went away since it was read. The
/// item is locked first, then the user's totals row, whose state moves by one and becomes the
/// item's last change (the order of every write that locks both: no deadlock).
struct ConditionalUpdateStatement: PostgresPreparedStatement {
    typealias Row = Int64
    static let name = "ct_update_if"
    static let sql = """
        WITH target AS (
            SELECT id FROM orgasms
            WHERE id = $1 AND user_id = $2 AND \(PostgresOrgasmColumns.unchanged(from: 3 + PostgresOrgasmColumns.editableCount))
            FOR UPDATE
        ), feed AS (
            UPDATE orgasm_totals SET state = state + 1 WHERE user_id = $2 AND EXISTS (SELECT 1 FROM target) RETURNING state
        )
        UPDATE orgasms SET \(PostgresOrgasmColumns.assignments(from: 3)), changed_state = feed.state
        FROM feed WHERE orgasms.id = $1 AND orgasms.user_id = $2
        RETURNING orgasms.id
        """
    static let bindingDataTypes: [PostgresDataType] =
        [.int8, .int8] + PostgresOrgasmColumns.editableTypes + PostgresOrgasmColumns.editableTypes

    let old: Orgasm
    let new: Orgasm
    let userID: Int64

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2 + 2 * PostgresOrgasmColumns.editableCount)
        bindings.append(old.id)
        bindings.append(userID)
        PostgresOrgasmColumns.appendEditable(of: new, to: &bindings)
        PostgresOrgasmColumns.appendEditable(of: old, to: &bindings)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
}

/// Records when a token was last used.
struct TouchTokenStatement: PostgresPreparedStatement {
    typealias Row = ()
    static let name = "ct_touch_token"
    static let sql = "UPDATE tokens SET last_used_ms = $1 WHERE id = $2"

    let instant: Int64
    let id: Int64

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(instant)
        bindings.append(id)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {}
}

/// The insert of a batch of items of one user over parallel arrays ($1 the user, then
/// ``PostgresOrgasmColumns/Arrays/insertCount`` arrays). The user's feed moves by one per item in
/// the same statement, in the totals row (made at 0 when missing) that it locks until the commit,
/// and item `i` of the batch is change `base + i`. With `quota` (the parameter after the arrays),
/// the feed moves, and so the items go in, only when the total plus the batch stays within it.
private func insertSQL(quota: Bool = false) -> String {
    let unnest = PostgresOrgasmColumns.Arrays.unnest(from: 2)
    let count = "cardinality($2::text[])"
    let quotaParameter = "$\(2 + PostgresOrgasmColumns.Arrays.insertCount)::bigint"
    let feed =
        quota
        ? """
        INSERT INTO orgasm_totals (user_id, total, state) SELECT $1, 0, \(count) WHERE \(count) <= \(quotaParameter)
            ON CONFLICT (user_id) DO UPDATE SET state = orgasm_totals.state + EXCLUDED.state
            WHERE orgasm_totals.total + \(count) <= \(quotaParameter)
        """
        : """
        INSERT INTO orgasm_totals (user_id, total, state) VALUES ($1, 0, \(count))
            ON CONFLICT (user_id) DO UPDATE SET state = orgasm_totals.state + EXCLUDED.state
        """
    return """
        WITH feed AS (
            \(feed)
            RETURNING state - \(count) AS base
        )
        INSERT INTO orgasms (user_id, created_state, changed_state, \(PostgresOrgasmColumns.Arrays.insertColumns))
        SELECT $1, feed.base + item.position, feed.base + item.position, \(PostgresOrgasmColumns.Arrays.insertValues)
        FROM unnest(\(unnest.arguments)) WITH ORDINALITY AS \(unnest.alias), feed
        ORDER BY item.position
        RETURNING id
        """
}

/// Locks user $1's kept total until the commit (creating it at 0 when missing) and returns it.
private let lockTotalSQL = """
    INSERT INTO orgasm_totals (user_id, total) VALUES ($1, 0)
    ON CONFLICT (user_id) DO UPDATE SET total = orgasm_totals.total
    RETURNING total
    """

/// Inserts a batch of records of one user over parallel arrays, so a batch of any size is one
/// round trip and all or none. Arrays cannot hold NULL here, so nullable texts come with a
/// "present" flag.
struct InsertStatement: PostgresPreparedStatement {
    typealias Row = Int64
    static let name = "ct_insert"
    static let sql = insertSQL()

    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
}

/// ``InsertStatement`` under the record quota, in one statement (one round trip, no explicit
/// transaction): moving the feed locks the user's totals row until the statement commits, so a
/// concurrent insert of this user, from any instance, waits for it and then sees its items
/// counted; the feed moves and the items go in only when the total plus the batch stays within
/// the quota (the parameter after the arrays), else nothing (no rows back). The totals trigger
/// runs after the statement, as a later command of the same transaction, so it may update the
/// locked row.
struct QuotaInsertStatement: PostgresPreparedStatement {
    typealias Row = Int64
    static let name = "ct_insert_quota"
    static let sql = insertSQL(quota: true)

    /// ``InsertStatement``'s bindings, then the quota.
    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
}

/// Several users' inserts in one statement (``InsertBatcher``): `$1` the user of each item, then
/// ``InsertStatement``'s arrays, then the record quota (NULL: none). Each user's feed moves by
/// their number of items, in their totals row locked in ascending user order (so two such
/// statements, from any instances, never wait for each other in a cycle), and only where their
/// total plus their items stays within the quota; their items are changes `base + 1` on, in the
/// arrays' order. Rows come back as (id, user) for the users whose items went in; a user over
/// the quota gets none.
struct BatchInsertStatement: PostgresPreparedStatement {
    typealias Row = (id: Int64, userID: Int64)
    static let name = "ct_insert_batch"
    static let sql: String = {
        let unnest = PostgresOrgasmColumns.Arrays.unnest(from: 2, leading: ("$1::bigint[]", "user_id"))
        let quota = "$\(2 + PostgresOrgasmColumns.Arrays.insertCount)::bigint"
        return """
            WITH item AS (
                SELECT *, row_number() OVER (PARTITION BY user_id ORDER BY position) AS rank
                FROM unnest(\(unnest.arguments)) WITH ORDINALITY AS \(unnest.alias)
            ), wanted AS (
                SELECT user_id, count(*) AS n FROM item GROUP BY user_id
            ), feed AS (
                INSERT INTO orgasm_totals AS totals (user_id, total, state)
                SELECT user_id, 0, n FROM wanted WHERE \(quota) IS NULL OR n <= \(quota) ORDER BY user_id
                ON CONFLICT (user_id) DO UPDATE SET state = totals.state + EXCLUDED.state
                    WHERE \(quota) IS NULL OR totals.total + EXCLUDED.state <= \(quota)
                RETURNING user_id, state
            )
            INSERT INTO orgasms (user_id, created_state, changed_state, \(PostgresOrgasmColumns.Arrays.insertColumns))
            SELECT item.user_id, feed.state - wanted.n + item.rank, feed.state - wanted.n + item.rank, \(PostgresOrgasmColumns.Arrays.insertValues)
            FROM item JOIN wanted ON wanted.user_id = item.user_id JOIN feed ON feed.user_id = item.user_id
            ORDER BY item.position
            RETURNING id, user_id
            """
    }()

    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode((Int64, Int64).self) }
}

/// Locks a user's kept total until the commit (creating it at 0 when missing) and returns it,
/// for the record quota's check.
struct LockTotalStatement: PostgresPreparedStatement {
    typealias Row = Int64
    static let name = "ct_lock_total"
    static let sql = lockTotalSQL

    let userID: Int64

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(userID)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
}

extension PostgresSession {
    /// Runs the prepared statement `statement` (preparing it first on this connection if needed)
    /// and returns all its rows.
    func execute<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [Statement.Row] {
        var rows: [Statement.Row] = []
        for try await row in try await connection.execute(statement, logger: logger) {
            rows.append(row)
        }
        return rows
    }
}

/// The text of the statements a benchmark compares the server with (bench/run runs them under
/// pgbench for PostgreSQL's own ceiling; issue 24). Not an API: the text may change with any
/// release, as the server's does.
public enum PostgresBenchmarkStatements {
    /// A single insert under the record quota, as `serve` sends it by default (a quota is on unless
    /// `--record-quota 0`): `$1` the user, `$2`–`$9` the record's columns as one-element arrays
    /// (date, mode, public, type, has type, granted by, has granted by, inserted ms), `$10` the quota.
    public static var quotaInsert: String { QuotaInsertStatement.sql }
}

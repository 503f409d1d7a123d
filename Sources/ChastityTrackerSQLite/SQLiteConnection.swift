import ChastityTrackerDomain
internal import VaporCSQLite

/// A failed SQLite call, with SQLite's extended result code. The message stays in logs only.
struct SQLiteFailure: Error, CustomStringConvertible {
    let code: Int32
    let message: String

    var description: String { "SQLite error \(code): \(message)" }
    // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY (macros Swift cannot import).
    var isUniqueViolation: Bool { code == 2067 || code == 1555 }
    // SQLITE_CONSTRAINT_FOREIGNKEY: a row refers to one that does not exist (a deleted user).
    var isForeignKeyViolation: Bool { code == 787 }
    var isBusy: Bool { code & 0xFF == SQLITE_BUSY || code & 0xFF == 6 /* LOCKED */ }
}

/// A value bound to a statement parameter.
enum SQLiteValue {
    case integer(Int64)
    case text(String)
    case null

    static func optionalText(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }
    static func optionalInteger(_ value: Int64?) -> SQLiteValue { value.map { .integer($0) } ?? .null }
}

/// One open database handle with its prepared-statement cache. Not thread-safe: the store
/// hands each connection to one thread at a time.
final class SQLiteConnection {
    private let handle: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]

    /// Opens (creating when `create`) the database file at `path`.
    init(path: String, readOnly: Bool) throws {
        var handle: OpaquePointer?
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let result = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard result == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "cannot open"
            if let handle { sqlite_nio_sqlite3_close_v2(handle) }
            throw SQLiteFailure(code: result, message: message)
        }
        self.handle = handle
        sqlite_nio_sqlite3_busy_timeout(handle, 5000)
    }

    deinit {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        sqlite_nio_sqlite3_close_v2(handle)
    }

    /// Runs SQL text without parameters or results, parsed anew each time: pragmas and DDL.
    /// Transaction control goes through ``query(_:_:row:)``, whose statements are cached.
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let result = sqlite_nio_sqlite3_exec(handle, sql, nil, nil, &error)
        if result != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "unknown"
            sqlite_nio_sqlite3_free(error)
            throw SQLiteFailure(code: sqlite_nio_sqlite3_extended_errcode(handle), message: message)
        }
    }

    /// Runs one cached statement with `bindings` (one value for every parameter), calling `row`
    /// for each result row.
    func query(_ sql: String, _ bindings: [SQLiteValue] = [], row: (SQLiteRow) throws -> Void = { _ in }) throws {
        let statement = try prepared(sql)
        // No sqlite3_clear_bindings: every parameter is bound again below, and clearing marks
        // the statement for a full re-prepare on its next step (SQLite 3.54 re-plans
        // statements whose `column = ?` terms saw a binding change), which cost a parse per
        // query when it was there.
        defer { sqlite_nio_sqlite3_reset(statement) }
        guard Int(sqlite_nio_sqlite3_bind_parameter_count(statement)) == bindings.count else {
            throw SQLiteFailure(code: SQLITE_RANGE, message: "\(bindings.count) values for the parameters of: \(sql)")
        }
        for (offset, value) in bindings.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32
            switch value {
            case .integer(let number): result = sqlite_nio_sqlite3_bind_int64(statement, index, number)
            case .null: result = sqlite_nio_sqlite3_bind_null(statement, index)
            case .text(let text):
                var text = text
                result = text.withUTF8 { buffer in
                    buffer.withMemoryRebound(to: CChar.self) {
                        sqlite_nio_sqlite3_bind_text(statement, index, $0.baseAddress, Int32($0.count), SQLiteConnection.transient)
                    }
                }
            }
            guard result == SQLITE_OK else { throw failure() }
        }
        while true {
            let result = sqlite_nio_sqlite3_step(statement)
            if result == SQLITE_ROW {
                try row(SQLiteRow(statement: statement))
            } else if result == SQLITE_DONE {
                return
            } else {
                throw failure()
            }
        }
    }

    /// The start of this connection's mapping of its database's WAL-index (``WALIndexHeader``), or
    /// `nil` when the database is not in WAL mode (an in-memory or temporary database) or no
    /// WAL-index is mapped. Only for a connection in WAL mode does it ask SQLite's `xShmMap`,
    /// which then returns the mapping the connection uses (for another, it would create a `-shm`).
    func walIndex() throws -> UnsafeRawPointer? {
        guard try first("PRAGMA journal_mode", [], { $0.text(0) }) == "wal" else { return nil }
        var file: UnsafeMutablePointer<sqlite3_file>?
        guard sqlite_nio_sqlite3_file_control(handle, "main", SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK,
            let methods = file?.pointee.pMethods, methods.pointee.iVersion >= 2, let map = methods.pointee.xShmMap
        else { return nil }
        var region: UnsafeMutableRawPointer?
        // Region 0 (32 KiB, SQLite's WALINDEX_PGSZ), not extended: it exists once a read ran.
        guard map(file, 0, 32768, 0, &region) == SQLITE_OK, let region else { return nil }
        return UnsafeRawPointer(region)
    }

    /// The first row's values mapped by `transform`, or `nil` when there is no row.
    func first<T>(_ sql: String, _ bindings: [SQLiteValue] = [], _ transform: (SQLiteRow) throws -> T) throws -> T? {
        var result: T?
        try query(sql, bindings) { row in
            if result == nil { result = try transform(row) }
        }
        return result
    }

    /// Copies this whole database into `target` with SQLite's online backup API, in one step: run
    /// inside a read transaction on this connection, it copies exactly that transaction's snapshot,
    /// whatever other connections write meanwhile (a page-by-page backup would restart on each).
    func backup(into target: SQLiteConnection) throws {
        guard let backup = sqlite_nio_sqlite3_backup_init(target.handle, "main", handle, "main") else { throw target.failure() }
        let step = sqlite_nio_sqlite3_backup_step(backup, -1)
        let finish = sqlite_nio_sqlite3_backup_finish(backup)
        guard step == SQLITE_DONE, finish == SQLITE_OK else {
            throw SQLiteFailure(code: step == SQLITE_DONE ? finish : step, message: "the online backup did not complete")
        }
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { Int(sqlite_nio_sqlite3_changes(handle)) }

    /// The rowid of the last INSERT.
    var lastInsertID: Int64 { sqlite_nio_sqlite3_last_insert_rowid(handle) }

    /// Runs `body` in a transaction (`BEGIN IMMEDIATE` for writes), committing on return and
    /// rolling back on a throw.
    func transaction<T>(immediate: Bool, _ body: () throws -> T) throws -> T {
        try query(immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED")
        do {
            let value = try body()
            try query("COMMIT")
            return value
        } catch {
            try? query("ROLLBACK")
            throw error
        }
    }

    /// How many times the cached statement for `sql` was compiled again since it was first
    /// prepared (0 when it is not cached): each time is a full parse, as costly as the query.
    func timesReprepared(_ sql: String) -> Int {
        statements[sql].map { Int(sqlite_nio_sqlite3_stmt_status($0, SQLITE_STMTSTATUS_REPREPARE, 0)) } ?? 0
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let result = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard result == SQLITE_OK, let statement else { throw failure() }
        statements[sql] = statement
        return statement
    }

    private func failure() -> SQLiteFailure {
        SQLiteFailure(code: sqlite_nio_sqlite3_extended_errcode(handle), message: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// The current row of a stepping statement; valid only inside the row callback.
struct SQLiteRow {
    fileprivate let statement: OpaquePointer

    func isNull(_ column: Int32) -> Bool { sqlite_nio_sqlite3_column_type(statement, column) == SQLITE_NULL }

    func integer(_ column: Int32) -> Int64 { sqlite_nio_sqlite3_column_int64(statement, column) }

    func optionalInteger(_ column: Int32) -> Int64? { isNull(column) ? nil : integer(column) }

    func text(_ column: Int32) -> String {
        guard let pointer = sqlite_nio_sqlite3_column_text(statement, column) else { return "" }
        let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }

    /// A `YYYY-MM-DD` text column parsed straight from SQLite's buffer.
    func date(_ column: Int32) -> LocalDate? {
        guard let pointer = sqlite_nio_sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
        return LocalDate(utf8: UnsafeBufferPointer(start: pointer, count: count))
    }

    /// A text column compared with known values without making a string: the mode column.
    func mode(_ column: Int32) -> Mode? {
        guard let pointer = sqlite_nio_sqlite3_column_text(statement, column) else { return nil }
        let bytes = UnsafeBufferPointer(start: pointer, count: Int(sqlite_nio_sqlite3_column_bytes(statement, column)))
        return Mode.allCases.first { mode in mode.rawValue.utf8.elementsEqual(bytes) }
    }
}

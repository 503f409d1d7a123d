public import ChastityTrackerDomain
public import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The embedded backend: one SQLite file in WAL mode, one writer connection whose commits are
/// shared by concurrent writes (group commit) on a thread of its own, and reader connections
/// pooled for reads made on the calling thread. Every commit is fsynced (`synchronous=FULL`)
/// before any of its writes is acknowledged, so an acknowledged write survives a crash of the
/// process or of the machine.
public final class SQLiteStore: ChastityStore {
    private let threadPool: NIOThreadPool
    private let writes: SQLiteWriteQueue
    private let inFlight = Meter(label: "chastity_db_operations_in_flight", dimensions: [("backend", "sqlite")])
    /// Idle reader connections; `nil` once the store is closed.
    private let readers: NIOLockedValueBox<[SQLiteConnection]?>
    /// The WAL-index header of the database, read through the writer's mapping (the writer stays
    /// open as long as the store exists); `nil` for a database not in WAL mode.
    let walIndex: WALIndexHeader?
    /// Token lookups kept while the database's version holds (`principal(forTokenHash:)`), only
    /// with a `walIndex` to read the version from; `nil` once the store is closed.
    private let principals: NIOLockedValueBox<PrincipalMemo<DatabaseVersion>?>
    private let path: String
    private let logger: Logger

    /// Opens (creating when missing) the database at `path` and migrates it to the current schema.
    /// At most `writeQueueLimit` writes wait for the writer; one more fails at once with
    /// ``StoreError/overloaded``. Throws ``StoreError/unavailable`` when the file cannot be
    /// opened or migrated.
    public static func open(
        path: String, writeQueueLimit: Int = Configuration.defaultWriteQueueLimit,
        logger: Logger = Logger(label: "chastity-tracker.sqlite")
    ) async throws -> SQLiteStore {
        // One thread: it opens the database and runs the writer's group commits.
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        do {
            let (writer, walIndex) = try await threadPool.runIfActive {
                try createOwnerOnly(path: path)
                let connection = try SQLiteConnection(path: path, readOnly: false)
                try connection.execute("PRAGMA journal_mode = WAL")
                try SQLiteStore.configure(connection)
                try SQLiteStore.migrate(connection)
                return (connection, try WALIndexHeader(of: connection))
            }
            return SQLiteStore(
                path: path, threadPool: threadPool, writer: writer, walIndex: walIndex, writeQueueLimit: writeQueueLimit, logger: logger)
        } catch {
            logger.error("cannot open the SQLite database", metadata: ["error": "\(error)"])
            try? await threadPool.shutdownGracefully()
            throw StoreError.unavailable
        }
    }

    private init(
        path: String, threadPool: NIOThreadPool, writer: SQLiteConnection, walIndex: WALIndexHeader?, writeQueueLimit: Int, logger: Logger
    ) {
        self.path = path
        self.walIndex = walIndex
        self.principals = NIOLockedValueBox(PrincipalMemo())
        self.threadPool = threadPool
        self.writes = SQLiteWriteQueue(connection: writer, threadPool: threadPool, limit: writeQueueLimit)
        self.readers = NIOLockedValueBox([SQLiteConnection]())
        self.logger = logger
    }

    private static func configure(_ connection: SQLiteConnection) throws {
        // No mmap: tried for reads (docs/BENCHMARKS.md), it counted the mapped file in RSS and
        // took peak RSS past 100 MB without a measurable gain on this machine.
        // temp_store in memory: each write of a group commit runs in a savepoint, whose undo
        // journal otherwise goes to a temporary file (a pwrite per page changed, a quarter of
        // an insert's CPU time in the profile). It only holds the pages a savepoint changed.
        try connection.execute("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY")
    }

    private static func migrate(_ connection: SQLiteConnection) throws {
        try connection.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL)")
        try connection.transaction(immediate: true) {
            var applied = Set<Int64>()
            try connection.query("SELECT version FROM schema_migrations") { applied.insert($0.integer(0)) }
            for migration in SQLiteMigrations.all where !applied.contains(Int64(migration.version)) {
                try connection.execute(migration.sql)
                try connection.query(
                    "INSERT INTO schema_migrations (version, applied_ms) VALUES (?, CAST(unixepoch('subsec') * 1000 AS INTEGER))",
                    [.integer(Int64(migration.version))]
                )
            }
        }
    }

    // MARK: Running work off the event loops

    /// Runs `body` on a reader connection inside a read transaction, so multi-statement reads
    /// see one snapshot.
    ///
    /// Reads run on the calling thread: in WAL mode a reader never waits for the writer, and a
    /// list page costs tens of microseconds of CPU, less than handing it to another thread and
    /// back (two thread switches per read, the largest cost in the profile when reads went
    /// through a pool; docs/BENCHMARKS.md). `serve` runs Swift Concurrency on its event loops,
    /// so this is the same thread that parsed the request. The busy timeout still applies: the
    /// rare read that meets a lock (WAL recovery after a crash, another process checkpointing
    /// with TRUNCATE) waits on this thread, up to 5 s.
    ///
    /// `singleStatement`: `body` runs one statement, which SQLite reads in a transaction of its own:
    /// no BEGIN and COMMIT around it (the token lookup, once per request).
    ///
    /// Synchronous, though the store's methods are async: each async call is a `swift_task_switch`
    /// under the event-loop executor, a round through the loop's queue (issue 24).
    func read<T: Sendable>(singleStatement: Bool = false, _ body: (SQLiteConnection) throws -> T) throws -> T {
        inFlight.increment()
        defer { inFlight.decrement() }
        do {
            let idle = try readers.withLockedValue { readers -> SQLiteConnection? in
                guard readers != nil else { throw SQLiteFailure(code: 21 /* MISUSE */, message: "the store is closed") }
                return readers?.popLast()
            }
            let connection =
                try idle
                ?? {
                    let connection = try SQLiteConnection(path: path, readOnly: true)
                    try SQLiteStore.configure(connection)
                    return connection
                }()
            defer { readers.withLockedValue { $0?.append(connection) } }
            return try singleStatement ? body(connection) : connection.transaction(immediate: false) { try body(connection) }
        } catch {
            throw storeError(for: error)
        }
    }

    /// Runs `body` on the token memo, under its lock; throws ``StoreError/unavailable`` once the
    /// store is closed, as a read would.
    func withPrincipalMemo<T>(_ body: (inout PrincipalMemo<DatabaseVersion>) -> T) throws -> T {
        try principals.withLockedValue { memo in
            guard memo != nil else { throw StoreError.unavailable }
            return body(&memo!)
        }
    }

    /// Runs `body` on the writer connection, all or nothing, answering once it is durable;
    /// concurrent writes share a commit (see ``SQLiteWriteQueue``). A `bounded` write is refused
    /// with ``StoreError/overloaded`` when the queue is full.
    func write<T: Sendable>(bounded: Bool = true, _ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        inFlight.increment()
        defer { inFlight.decrement() }
        do {
            return try await writes.write(bounded: bounded, body)
        } catch {
            throw storeError(for: error)
        }
    }

    /// The writes waiting for the writer now.
    var waitingWrites: Int { writes.waiting }

    /// The ``StoreError`` for a failure of SQLite or of the work (reads and writes alike, each
    /// counted in flight while it runs).
    private func storeError(for error: any Error) -> StoreError {
        switch error {
        case let failure as SQLiteFailure:
            if failure.isUniqueViolation { return StoreError.conflict(failure.message) }
            if failure.isForeignKeyViolation { return StoreError.missing(failure.message) }
            logger.error("SQLite call failed", metadata: ["error": "\(failure)"])
            return StoreError.unavailable
        case let error as StoreError:
            return error
        default:
            logger.error("SQLite work failed", metadata: ["error": "\(error)"])
            return StoreError.unavailable
        }
    }

    // MARK: Lifecycle

    public func ping() async throws {
        _ = try read { try $0.first("SELECT 1") { $0.integer(0) } }
    }

    public func checkWritable() async throws {
        // A committed write of a row that always exists, so the file, the lock and the disk are
        // all tried; unbounded, since a full queue means busy, not broken.
        try await write(bounded: false) { connection in
            try connection.query("UPDATE schema_migrations SET applied_ms = applied_ms WHERE version = 1")
        }
    }

    public func close() async throws {
        try await threadPool.shutdownGracefully()
        readers.withLockedValue { $0 = nil }
        principals.withLockedValue { $0 = nil }
    }
}

/// Creates a missing database file readable and writable by its owner only (0600), whatever the
/// umask; SQLite then gives the `-wal`, `-shm` and `-journal` files it creates the main file's
/// permissions. An existing file keeps its mode: an operator who chose one (a backup group, say)
/// keeps it, and `chmod 600` tightens an older file. (A free function: inside ``SQLiteStore``,
/// `open` and `close` name its own methods.)
func createOwnerOnly(path: String) throws {
    // "" and ":memory:" name no file (a private temporary and an in-memory database).
    guard !path.isEmpty, path != ":memory:" else { return }
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    // It exists already; any other failure is SQLite's to report when it opens the path.
    guard descriptor >= 0 else { return }
    defer { close(descriptor) }
    // The mode given to open() is reduced by the umask; set it exactly.
    guard fchmod(descriptor, 0o600) == 0 else {
        throw SQLiteFailure(code: 14 /* CANTOPEN */, message: "cannot make the new database file private (errno \(errno))")
    }
}

extension SQLiteConnection: @unchecked Sendable {}

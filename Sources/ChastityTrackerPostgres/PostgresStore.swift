public import ChastityTrackerDomain
public import Logging
import Metrics
import NIOConcurrencyHelpers
import PostgresNIO

/// The PostgreSQL backend: a pool of connections (postgres-nio's `PostgresClient`) that the store
/// runs for its lifetime. It behaves exactly like the SQLite backend; several server instances
/// may share one database.
///
/// A call fails with ``StoreError/unavailable`` within `connectionWait` when no connection can
/// be had (the server is down or the pool is exhausted), rather than hanging.
public final class PostgresStore: ChastityStore {
    /// A `postgres://` URL that cannot be used; `reason` says why and never holds the password.
    public struct InvalidURL: Error, Sendable, CustomStringConvertible {
        /// What is wrong with the URL.
        public let reason: String
        public var description: String { "invalid PostgreSQL URL: \(reason)" }
    }

    let client: PostgresClient
    let logger: Logger
    /// What PostgresNIO logs to: `logger`, at `debug` at the most verbose. At `trace` PostgresNIO
    /// writes every wire message, rows in hexadecimal, so records, token hashes and password
    /// hashes would reach the log (SecretsInLogsTests proves they do not).
    let driverLogger: Logger

    /// `logger` with its level raised to `debug` when it is `trace`.
    static func driverLogger(_ logger: Logger) -> Logger {
        var capped = logger
        if capped.logLevel < .debug { capped.logLevel = .debug }
        return capped
    }
    private let connectionWait: Duration
    /// Database operations holding or waiting for a pooled connection, for `/metrics`.
    private let inFlight = Meter(label: "chastity_db_operations_in_flight", dimensions: [("backend", "postgresql")])
    /// Gives up the leases that wait longer than `connectionWait`.
    private let watchdog: LeaseWatchdog
    private let runTask: Task<Void, Never>
    private let watchTask: Task<Void, Never>
    /// Listens for changes to principals (see ``PrincipalCache``); none without a cache.
    private let listenTask: Task<Void, Never>?
    /// The most record writes this instance lets wait for or hold a connection at once.
    private let writeLimit: Int
    /// Record writes waiting for or holding a connection now.
    private let writesInFlight = NIOLockedValueBox(0)
    /// The principals looked up in the last moments (see ``PrincipalCache``).
    let principals: PrincipalCache
    /// Gathers concurrent record inserts into shared statements (group commit).
    let inserts: InsertBatcher

    /// Two insert statements at once: while one is at the database the next batch gathers, and
    /// one slow statement (waiting for a user's lock) does not hold up every insert. In bench/run's
    /// insert scenario one, two and four all gave 0.8 to 1.2 of pgbench's ceiling (one statement
    /// per insert: 0.36); see docs/BENCHMARKS.md.
    public static let defaultInsertStatements = 2

    /// The number of times a transaction is tried when PostgreSQL reports a serialization failure
    /// or a deadlock.
    static let attempts = 3

    /// Connects to the database at `url` (`postgres://user:password@host:port/database`, port 5432
    /// by default, `?sslmode=disable|prefer|require|verify-full`; without `sslmode`, loopback hosts
    /// use plain TCP and others prefer TLS) and migrates it to the current schema.
    ///
    /// - Parameters:
    ///   - poolSize: the most connections this store keeps open at once.
    ///   - connectionWait: how long a call may wait to connect or for a free pooled connection
    ///     before it fails with ``StoreError/unavailable``.
    ///   - writeQueueLimit: the most record writes (insert, update, delete) that may wait for or
    ///     hold a connection at once; one more fails at once with ``StoreError/overloaded``.
    ///   - principalLifetime: how long a token's lookup is reused by this instance (zero: never,
    ///     and no listener). Changes anywhere reach the cache at once by notification (see
    ///     ``PrincipalCache``); this bounds a lost one (docs/CONTRACT.md section 3 allows 5 s).
    ///   - insertStatements: the most record insert statements this store runs at once; inserts
    ///     arriving meanwhile share the next one (``InsertBatcher``), unless every running one
    ///     has run for `insertStallAfter` (`connectionWait` when nil: waiting for a lock), when
    ///     one more starts.
    /// - Throws: ``InvalidURL`` for a malformed URL; ``StoreError/unavailable`` when the database
    ///   cannot be reached or migrated.
    public static func open(
        url: String,
        poolSize: Int = 10,
        connectionWait: Duration = .milliseconds(1500),
        writeQueueLimit: Int = Configuration.defaultWriteQueueLimit,
        principalLifetime: Duration = Configuration.defaultTokenCacheLifetime,
        insertStatements: Int = PostgresStore.defaultInsertStatements,
        insertStallAfter: Duration? = nil,
        logger: Logger = Logger(label: "chastity-tracker.postgres")
    ) async throws -> PostgresStore {
        precondition(poolSize >= 1, "a pool needs at least one connection")
        precondition(writeQueueLimit >= 1, "a write queue holds at least one write")
        let location = try PostgresURL(url)
        var configuration = location.configuration
        configuration.options.maximumConnections = poolSize
        configuration.options.connectTimeout = connectionWait
        // The listener's own connection, outside the pool (one more connection per instance).
        let listener: PostgresConnection.Configuration?
        do {
            listener = principalLifetime > .zero ? try location.connectionConfiguration(connectTimeout: connectionWait) : nil
        } catch {
            throw InvalidURL(reason: "its TLS settings cannot be used: \(error)")
        }
        let store = PostgresStore(
            configuration: configuration, connectionWait: connectionWait, writeLimit: writeQueueLimit,
            principals: PrincipalCache(lifetime: principalLifetime),
            inserts: InsertBatcher(concurrency: insertStatements, stallAfter: insertStallAfter ?? connectionWait),
            listener: listener, logger: logger)
        do {
            try await store.migrate()
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }

    private init(
        configuration: PostgresClient.Configuration, connectionWait: Duration, writeLimit: Int, principals: PrincipalCache,
        inserts: InsertBatcher, listener: PostgresConnection.Configuration?, logger: Logger
    ) {
        self.inserts = inserts
        let driverLogger = Self.driverLogger(logger)
        let client = PostgresClient(configuration: configuration, backgroundLogger: driverLogger)
        self.client = client
        self.logger = logger
        self.driverLogger = driverLogger
        self.connectionWait = connectionWait
        self.writeLimit = writeLimit
        self.principals = principals
        let watchdog = LeaseWatchdog(wait: connectionWait)
        self.watchdog = watchdog
        self.runTask = Task { await client.run() }
        self.watchTask = Task { await watchdog.run() }
        self.listenTask = listener.map { listener in
            Task { await Self.listen(listener, emptying: principals, logger: logger, driverLogger: driverLogger) }
        }
    }

    // An arbitrary constant that names the schema migration lock in pg_advisory_xact_lock.
    private static let migrationLockKey: Int64 = 0x4354_5F4D_4947_5231

    private func migrate() async throws {
        try await transaction { connection in
            // The lock serializes instances that start at once; it is released with the transaction.
            try await connection.run("SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))")
            try await connection.run(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """)
            let applied = Set(try await connection.rows("SELECT version FROM schema_migrations").map { try $0.decode(Int.self) })
            for migration in PostgresMigrations.all where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.run(PostgresQuery(unsafeSQL: statement))
                }
                try await connection.run("INSERT INTO schema_migrations (version) VALUES (\(migration.version))")
                self.logger.info("applied PostgreSQL migration", metadata: ["version": "\(migration.version)"])
            }
        }
    }

    // MARK: Running queries

    /// Runs `body` on a pooled connection outside a transaction (each statement commits alone).
    func session<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) async throws -> T) async throws -> T {
        try await mappingErrors {
            try await self.withConnection { try await body(PostgresSession(connection: $0, logger: self.driverLogger)) }
        }
    }

    /// Runs `body` as one transaction (`begin` starts it), committing on return and rolling back on
    /// a throw; retried when PostgreSQL reports a serialization failure or a deadlock.
    func transaction<T: Sendable>(
        begin: PostgresQuery = "BEGIN",
        _ body: @escaping @Sendable (PostgresSession) async throws -> T
    ) async throws -> T {
        try await mappingErrors {
            try await self.withConnection { connection in
                try await PostgresSession(connection: connection, logger: self.driverLogger).transaction(begin: begin, body)
            }
        }
    }

    /// Runs the record write `work` unless `writeLimit` writes are already waiting for or holding
    /// a connection, in which case it throws ``StoreError/overloaded`` at once, having written
    /// nothing (docs/CONTRACT.md section 2, `overloaded`).
    func boundedWrite<T: Sendable>(_ work: () async throws -> T) async throws -> T {
        let admitted = writesInFlight.withLockedValue { count in
            guard count < writeLimit else { return false }
            count += 1
            return true
        }
        guard admitted else { throw StoreError.overloaded }
        defer { writesInFlight.withLockedValue { $0 -= 1 } }
        return try await work()
    }

    /// The record writes waiting for or holding a connection now.
    var writesWaiting: Int { writesInFlight.withLockedValue { $0 } }

    /// Leases a connection for `body`, giving up after `connectionWait` (and at most the
    /// watchdog's resolution more) if none becomes free.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        inFlight.increment()
        defer { inFlight.decrement() }
        let lease = watchdog.start()
        // The wait runs in a task of its own, so that giving it up cancels the wait alone, not the
        // caller's task (the request's, which still has to answer 503).
        let waiting = Task {
            try await self.client.withConnection { connection in
                self.watchdog.finish(lease)
                guard lease.grant() else { throw ConnectionWaitExpired() }
                return try await body(connection)
            }
        }
        lease.onExpiry { waiting.cancel() }
        do {
            return try await withTaskCancellationHandler {
                try await waiting.value
            } onCancel: {
                waiting.cancel()
            }
        } catch {
            watchdog.finish(lease)
            if lease.expired { throw ConnectionWaitExpired() }
            throw error
        }
    }

    /// Runs `work`, retrying serialization failures and deadlocks, and turns every failure into a
    /// ``StoreError`` after logging the real one.
    func mappingErrors<T>(_ work: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await work()
            } catch let error as StoreError {
                throw error
            } catch let error as WorkFailed {
                throw error
            } catch let error as PSQLError where error.code == .server {
                let state = error.serverInfo?[.sqlState]
                switch state {
                case "23505":
                    throw StoreError.conflict(error.serverInfo?[.constraintName] ?? "unique value")
                case "23503":
                    throw StoreError.missing(error.serverInfo?[.constraintName] ?? "referenced row")
                case "40001" where attempt < Self.attempts, "40P01" where attempt < Self.attempts:
                    logger.warning("retrying a PostgreSQL transaction", metadata: ["sqlstate": "\(state ?? "")", "attempt": "\(attempt)"])
                    attempt += 1
                    continue
                default:
                    // Never the `detail` (it can hold the row: "Failing row contains …") nor the
                    // whole error (its debug description carries the server's fields and the query);
                    // the message only outside data exceptions and integrity violations (classes 22
                    // and 23), whose messages can quote a value.
                    let quotesValues = state.map { $0.hasPrefix("22") || $0.hasPrefix("23") } ?? true
                    logger.error(
                        "PostgreSQL query failed",
                        metadata: [
                            "sqlstate": "\(state ?? "")",
                            "message": "\(quotesValues ? "" : error.serverInfo?[.message] ?? "")",
                            "table": "\(error.serverInfo?[.tableName] ?? "")",
                            "constraint": "\(error.serverInfo?[.constraintName] ?? "")",
                        ])
                    throw StoreError.unavailable
                }
            } catch is ConnectionWaitExpired {
                logger.error("no PostgreSQL connection became available in time", metadata: ["wait": "\(connectionWait)"])
                throw StoreError.unavailable
            } catch let error as PSQLError {
                // The code alone: the error's debug description carries the server's fields and the query.
                logger.error("PostgreSQL call failed", metadata: ["code": "\(error.code)"])
                throw StoreError.unavailable
            } catch {
                logger.error("PostgreSQL call failed", metadata: ["error": "\(String(describing: error))"])
                throw StoreError.unavailable
            }
        }
    }

    /// What may be logged of `error`: for a `PSQLError` its code and SQLSTATE (its description
    /// is a fixed sentence, its debug description carries the server's fields and the query).
    static func loggable(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        return "PSQLError \(error.code) sqlstate=\(error.serverInfo?[.sqlState] ?? "none")"
    }

    // MARK: Lifecycle

    /// Until cancelled: listens on ``PrincipalCache/channel`` on a connection of its own and
    /// empties `principals` at every notification, reconnecting a second after a failure; the
    /// cache is used only while this listens.
    private static func listen(
        _ configuration: PostgresConnection.Configuration, emptying principals: PrincipalCache, logger: Logger, driverLogger: Logger
    ) async {
        var warned = false
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: driverLogger)
                do {
                    try await connection.listen(on: PrincipalCache.channel) { notifications in
                        principals.listening = true
                        if warned {
                            logger.notice("listening for token changes again")
                            warned = false
                        }
                        defer { principals.listening = false }
                        for try await _ in notifications { principals.removeAll() }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                if !Task.isCancelled && !warned {
                    // Once per outage: the requests' own errors say the rest.
                    warned = true
                    logger.warning(
                        "not listening for token changes; tokens are looked up on every request until it listens again",
                        metadata: ["error": "\(Self.loggable(error))"])
                }
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    public func ping() async throws {
        try await session { try await $0.run("SELECT 1") }
    }

    public func checkWritable() async throws {
        // A committed write of a row that always exists: a read-only server (a standby, a full
        // disk, default_transaction_read_only) fails it.
        try await transaction { try await $0.run("UPDATE schema_migrations SET applied_at = applied_at WHERE version = 1") }
    }

    public func close() async throws {
        listenTask?.cancel()
        runTask.cancel()
        watchTask.cancel()
        // Bounded: the pool's shutdown waits for connection attempts and leased connections, and a
        // close that never returns stops its caller (a test, a server's shutdown) for good.
        let tasks = [listenTask, runTask, watchTask].compactMap { $0 }
        let limit = connectionWait + .seconds(30)
        let outcome = FirstOutcome<Bool>()
        let joined = Task {
            for task in tasks { await task.value }
            outcome.resume(with: .success(true))
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            outcome.resume(with: .success(false))
        }
        let stopped = (try? await outcome.value()) ?? false
        timer.cancel()
        if !stopped {
            joined.cancel()
            logger.error("the PostgreSQL pool or listener did not stop in time; left running", metadata: ["wait": "\(limit)"])
        }
    }
}

/// No pooled connection could be had within the configured wait.
private struct ConnectionWaitExpired: Error {}

/// The first of two outcomes (the tasks stopping or a time limit), handed to the one caller
/// waiting for it; the later one is ignored.
private final class FirstOutcome<T: Sendable>: Sendable {
    private enum State {
        case pending
        case waiting(CheckedContinuation<T, any Error>)
        case done(Result<T, any Error>)
        case delivered
    }

    private let state = NIOLockedValueBox(State.pending)

    func resume(with result: Result<T, any Error>) {
        let waiter: CheckedContinuation<T, any Error>? = state.withLockedValue { state in
            switch state {
            case .pending:
                state = .done(result)
                return nil
            case .waiting(let continuation):
                state = .delivered
                return continuation
            case .done, .delivered:
                return nil
            }
        }
        waiter?.resume(with: result)
    }

    func value() async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<T, any Error>? = state.withLockedValue { state in
                switch state {
                case .pending:
                    state = .waiting(continuation)
                    return nil
                case .done(let result):
                    state = .delivered
                    return result
                case .waiting, .delivered:
                    preconditionFailure("an outcome has one waiter")
                }
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

/// A leased connection and the logger its queries report to.
struct PostgresSession: Sendable {
    /// Runs `body` as one transaction on this connection (`begin` starts it), committing on return
    /// and rolling back on a throw; a connection whose rollback fails is closed, never reused.
    func transaction<T>(begin: PostgresQuery = "BEGIN", _ body: (PostgresSession) async throws -> T) async throws -> T {
        try await run(begin)
        do {
            let value = try await body(self)
            try await run("COMMIT")
            return value
        } catch {
            do {
                try await run("ROLLBACK")
            } catch {
                // A connection whose transaction state is unknown must not go back to the pool.
                try? await connection.close()
            }
            throw error
        }
    }

    let connection: PostgresConnection
    let logger: Logger

    /// Runs `query` and returns all its rows.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await connection.query(query, logger: logger).collect()
    }

    /// Runs `query`, discarding any rows.
    func run(_ query: PostgresQuery) async throws {
        _ = try await rows(query)
    }
}

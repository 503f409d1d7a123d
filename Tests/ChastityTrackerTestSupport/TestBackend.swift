// The one description of the backends the tests run against, shared by the storage and API
// suites. It lists SQLite always and PostgreSQL when CT_TEST_POSTGRES_URL is set
// (scripts/with-postgres sets it).
public import ChastityTrackerDomain
import ChastityTrackerPostgres
import ChastityTrackerSQLite
import Foundation
public import Logging
public import PostgresNIO

/// A storage backend the tests run against: `withStore` gives a fresh, empty database per use
/// (the storage suite); `makeStore` a store for one test app (the API suite).
public struct TestBackend: Sendable, CustomStringConvertible {
    /// Where a test store lives.
    public enum Kind: Sendable {
        case sqlite
        /// A PostgreSQL server; `url` names its maintenance database (`postgres`).
        case postgres(url: String)
    }

    public let kind: Kind
    /// Wraps every store the backend opens (a fault-injecting store, say); none by default.
    public var wrapper: (@Sendable (any ChastityStore) -> any ChastityStore)?
    private var label: String?
    /// The SQLite store's write queue bound, when a test needs a small one.
    private var writeQueueLimit: Int?

    public init(kind: Kind) {
        self.kind = kind
    }

    /// This backend with every store it opens wrapped by `wrap`, described as `label`.
    public func wrapped(as label: String, _ wrap: @escaping @Sendable (any ChastityStore) -> any ChastityStore) -> TestBackend {
        var backend = self
        backend.wrapper = wrap
        backend.label = label
        return backend
    }

    /// SQLite.
    public static let sqlite = TestBackend(kind: .sqlite)

    /// SQLite whose writer queues at most `writeQueueLimit` writes.
    public static func sqlite(writeQueueLimit: Int) -> TestBackend {
        var backend = TestBackend(kind: .sqlite)
        backend.writeQueueLimit = writeQueueLimit
        backend.label = "SQLite, write queue of \(writeQueueLimit)"
        return backend
    }

    /// The backend the API suite runs on: PostgreSQL with `CT_TEST_BACKEND=postgres` and its URL
    /// set, SQLite otherwise.
    public static var selected: TestBackend {
        if ProcessInfo.processInfo.environment["CT_TEST_BACKEND"] == "postgres", let url = postgresURL {
            return TestBackend(kind: .postgres(url: url))
        }
        return .sqlite
    }

    /// A store for one test app, and what to run once it is closed. SQLite: a new file, deleted
    /// afterwards. PostgreSQL: the URL's database itself, shared by the whole suite (user names
    /// are unique per app, so tests do not collide), with a generous connection wait: the suite
    /// opens stores at once. (Each one's migration then queues on the same advisory lock, after
    /// its connection is granted: that queue is not bounded by the wait.)
    public func makeStore() async throws -> (store: any ChastityStore, cleanup: @Sendable () -> Void) {
        let store: any ChastityStore
        let cleanup: @Sendable () -> Void
        switch kind {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("chastity-api-test-\(UUID().uuidString).sqlite").path
            store = try await SQLiteStore.open(path: path, writeQueueLimit: writeQueueLimit ?? Configuration.defaultWriteQueueLimit)
            cleanup = { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        case .postgres(let url):
            store = try await PostgresStore.open(
                url: url, poolSize: 2, connectionWait: .seconds(30), logger: Logger(label: "chastity-api-test.postgres")
            )
            cleanup = {}
        }
        return (wrapper?(store) ?? store, cleanup)
    }

    /// The environment variable with a PostgreSQL server URL whose user may create databases.
    public static let postgresURLVariable = "CT_TEST_POSTGRES_URL"

    /// The PostgreSQL URL from the environment, if set and not empty.
    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment[postgresURLVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether the tests run in CI (`CI=true`), where PostgreSQL is required.
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// SQLite, and PostgreSQL when its URL is set.
    public static var all: [TestBackend] {
        [TestBackend(kind: .sqlite)] + (postgresURL.map { [TestBackend(kind: .postgres(url: $0))] } ?? [])
    }

    /// PostgreSQL alone, when its URL is set.
    public static var postgres: [TestBackend] { all.filter(\.isPostgres) }

    public var isPostgres: Bool {
        if case .postgres = kind { return true }
        return false
    }

    public var description: String {
        if let label { return label }
        return switch kind {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }

    public static let logger: Logger = {
        var logger = Logger(label: "chastity-tracker.tests")
        logger.logLevel = .warning
        return logger
    }()

    /// Runs `body` with a store from ``makeStore()`` (on PostgreSQL the suite's shared database,
    /// so names must be unique), then closes it and cleans up. The API suite uses this: creating a
    /// database per test while the whole suite runs on the server has failed there.
    public func withSharedStore<T>(_ body: (any ChastityStore) async throws -> T) async throws -> T {
        let (store, cleanup) = try await makeStore()
        defer { cleanup() }
        return try await Self.closing(store, body)
    }

    /// Opens a store on a new, empty database, runs `body` with it, then closes the store and
    /// removes the database, whether `body` throws or not.
    public func withStore<T>(_ body: (any ChastityStore) async throws -> T) async throws -> T {
        try await withDatabase { location in try await Self.closing(try await open(location), body) }
    }

    /// Runs `body` with `store`, then closes the store, whether `body` throws or not.
    public static func closing<Store: ChastityStore, T>(_ store: Store, _ body: (Store) async throws -> T) async throws -> T {
        do {
            let value = try await body(store)
            try await store.close()
            return value
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// Creates a new, empty database, runs `body` with its location (a file path or a URL), then
    /// removes it.
    public func withDatabase<T>(_ body: (String) async throws -> T) async throws -> T {
        switch kind {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("ct-test-\(UUID().uuidString)", isDirectory: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            return try await body(directory.appendingPathComponent("store.sqlite").path)
        case .postgres(let url):
            let server = try PostgresServer(url: url)
            let name = "ct_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            try await server.execute("CREATE DATABASE \(name)")
            do {
                let value = try await body(server.url(database: name))
                try await server.execute("DROP DATABASE \(name) WITH (FORCE)")
                return value
            } catch {
                try? await server.execute("DROP DATABASE \(name) WITH (FORCE)")
                throw error
            }
        }
    }

    /// Opens the backend's store at `location`, as the server would.
    public func open(_ location: String) async throws -> any ChastityStore {
        let store: any ChastityStore =
            switch kind {
            case .sqlite: try await SQLiteStore.open(path: location, logger: Self.logger)
            case .postgres: try await PostgresStore.open(url: location, poolSize: 4, connectionWait: .seconds(20), logger: Self.logger)
            }
        return wrapper?(store) ?? store
    }
}

/// The PostgreSQL server named by a test URL, reached through its maintenance database to create
/// and drop the per-test databases.
public struct PostgresServer {
    let components: URLComponents
    public let configuration: PostgresConnection.Configuration

    public init(url: String) throws {
        guard let components = URLComponents(string: url), let host = components.host, let user = components.user else {
            throw TestSetupError("\(TestBackend.postgresURLVariable) must look like postgres://user:password@host:port/database")
        }
        self.components = components
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database.isEmpty ? nil : database, tls: .disable
        )
    }

    /// The server's URL with another database.
    public func url(database: String) -> String {
        var components = components
        components.path = "/" + database
        return components.string!
    }

    /// A new connection to the URL's database; the caller closes it.
    public func connect() async throws -> PostgresConnection {
        try await PostgresConnection.connect(configuration: configuration, id: 0, logger: TestBackend.logger)
    }

    /// Runs one statement on a new maintenance connection (the name of a database cannot be bound).
    public func execute(_ sql: String) async throws {
        let connection = try await connect()
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: TestBackend.logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// The test environment is not set up as the tests need.
public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

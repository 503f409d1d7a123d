// Shared by the test targets that need a real store: copy it, or add it to a target's sources.
// It lists SQLite always and PostgreSQL when CT_TEST_POSTGRES_URL is set (scripts/with-postgres
// sets it); every call of `withStore` gets a fresh, empty database that is removed afterwards.
import ChastityTrackerDomain
import ChastityTrackerPostgres
import ChastityTrackerSQLite
import Foundation
import Logging
import PostgresNIO
import Testing

/// A storage backend the tests run against, with a fresh database per use.
struct TestBackend: Sendable, CustomTestStringConvertible {
    /// Where a test store lives.
    enum Kind: Sendable {
        case sqlite
        /// A PostgreSQL server; `url` names its maintenance database (`postgres`).
        case postgres(url: String)
    }

    let kind: Kind

    /// The environment variable with a PostgreSQL server URL whose user may create databases.
    static let postgresURLVariable = "CT_TEST_POSTGRES_URL"

    /// The PostgreSQL URL from the environment, if set and not empty.
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment[postgresURLVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether the tests run in CI (`CI=true`), where PostgreSQL is required.
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// SQLite, and PostgreSQL when its URL is set.
    static var all: [TestBackend] {
        [TestBackend(kind: .sqlite)] + (postgresURL.map { [TestBackend(kind: .postgres(url: $0))] } ?? [])
    }

    /// PostgreSQL alone, when its URL is set.
    static var postgres: [TestBackend] { all.filter(\.isPostgres) }

    var isPostgres: Bool {
        if case .postgres = kind { return true }
        return false
    }

    var testDescription: String {
        switch kind {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }

    static let logger: Logger = {
        var logger = Logger(label: "chastity-tracker.tests")
        logger.logLevel = .warning
        return logger
    }()

    /// Opens a store on a new, empty database, runs `body` with it, then closes the store and
    /// removes the database, whether `body` throws or not.
    func withStore<T>(_ body: (any ChastityStore) async throws -> T) async throws -> T {
        try await withDatabase { location in
            let store = try await open(location)
            do {
                let value = try await body(store)
                try await store.close()
                return value
            } catch {
                try? await store.close()
                throw error
            }
        }
    }

    /// Creates a new, empty database, runs `body` with its location (a file path or a URL), then
    /// removes it.
    func withDatabase<T>(_ body: (String) async throws -> T) async throws -> T {
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
    func open(_ location: String) async throws -> any ChastityStore {
        switch kind {
        case .sqlite: try await SQLiteStore.open(path: location, logger: Self.logger)
        case .postgres: try await PostgresStore.open(url: location, poolSize: 4, connectionWait: .seconds(20), logger: Self.logger)
        }
    }
}

/// The PostgreSQL server named by a test URL, reached through its maintenance database to create
/// and drop the per-test databases.
struct PostgresServer {
    let components: URLComponents
    let configuration: PostgresConnection.Configuration

    init(url: String) throws {
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
    func url(database: String) -> String {
        var components = components
        components.path = "/" + database
        return components.string!
    }

    /// A new connection to the URL's database; the caller closes it.
    func connect() async throws -> PostgresConnection {
        try await PostgresConnection.connect(configuration: configuration, id: 0, logger: TestBackend.logger)
    }

    /// Runs one statement on a new maintenance connection (the name of a database cannot be bound).
    func execute(_ sql: String) async throws {
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
struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

@Suite("Test backends")
struct TestBackendConfigurationTests {
    @Test("CI runs the storage tests against PostgreSQL too")
    func continuousIntegrationHasPostgres() {
        if TestBackend.isCI && TestBackend.postgresURL == nil {
            Issue.record("""
                CI=true but \(TestBackend.postgresURLVariable) is not set, so the PostgreSQL backend would go untested; \
                run the tests through scripts/with-postgres
                """)
        }
    }
}

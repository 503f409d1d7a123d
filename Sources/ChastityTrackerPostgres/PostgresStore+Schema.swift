import ChastityTrackerDomain
public import Logging
import PostgresNIO

extension PostgresStore {
    /// The newest migration this code applies when it opens a database.
    public static var currentSchemaVersion: Int { PostgresMigrations.all.last?.version ?? 0 }

    /// The newest migration applied to the database at `url`, read on a connection of its own
    /// without migrating anything (``open(url:poolSize:connectionWait:writeQueueLimit:principalLifetime:logger:)``
    /// would): `backup` copies a database only at this code's schema. `nil` when no migration is
    /// recorded there. Throws ``InvalidURL`` for a URL that cannot be used, and
    /// ``StoreError/unavailable`` when the database cannot be reached.
    public static func appliedSchemaVersion(url: String, connectionWait: Duration, logger: Logger) async throws -> Int? {
        let configuration: PostgresConnection.Configuration
        do {
            configuration = try PostgresURL(url).connectionConfiguration(connectTimeout: connectionWait)
        } catch let error as InvalidURL {
            throw error
        } catch {
            throw InvalidURL(reason: "its TLS settings cannot be used: \(error)")
        }
        let driverLogger = Self.driverLogger(logger)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: driverLogger)
        } catch {
            throw StoreError.unavailable
        }
        do {
            let table = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: driverLogger).collect()
            var version: Int?
            if try table.first?.decode(Bool.self) == true {
                let rows = try await connection.query("SELECT max(version) FROM schema_migrations", logger: driverLogger).collect()
                version = try rows.first?.decode(Int?.self)
            }
            try? await connection.close()
            return version
        } catch {
            try? await connection.close()
            throw StoreError.unavailable
        }
    }
}

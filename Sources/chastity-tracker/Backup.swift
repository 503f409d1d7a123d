import ArgumentParser
import ChastityTrackerDomain
import ChastityTrackerPostgres
import ChastityTrackerSQLite
import ChastityTrackerServices
import Foundation

/// `chastity-tracker backup PATH` (docs/CONTRACT.md section 16): a consistent SQLite copy of the
/// live database while the server keeps serving writes; the copy opens with `--database PATH`.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Write a consistent SQLite copy of the live database (either backend) to PATH, checked and renamed into place; it opens with --database PATH."
    )
    @OptionGroup var options: DatabaseOptions
    @Argument(help: "Where to write the copy (an existing file there is replaced once the copy is checked).") var path: String

    func run() async throws {
        try await reportingFailures {
            let configuration = try options.configuration()
            let location = DatabaseLocation(configuration.database)
            let target = (path as NSString).standardizingPath
            let counts: StoreCounts
            do {
                if location.isPostgres {
                    counts = try await backupPostgres(configuration, to: target)
                } else {
                    // SQLite's online backup of the file, whatever the server writes meanwhile.
                    counts = try SQLiteBackup.copy(database: configuration.database, to: target)
                }
            } catch let failure as SQLiteBackup.Failure {
                throw CommandError(message: failure.message)
            }
            Output.standardError("backed up \(counts) to \(target)")
        }
    }

    /// PostgreSQL: every user read in one `REPEATABLE READ` transaction, restored into a new SQLite
    /// file under a temporary name, then checked and renamed as SQLite's own backup is.
    private func backupPostgres(_ configuration: Configuration, to target: String) async throws -> StoreCounts {
        // Read before the store is opened, which would migrate an older schema: a backup is taken
        // with the version that serves the database (README, Upgrading).
        let applied = try await DatabaseLocation(configuration.database).opening {
            try await PostgresStore.appliedSchemaVersion(
                url: configuration.database, connectionWait: DatabaseLocation.commandConnectionWait, logger: commandLogger())
        }
        if let refusal = SchemaVersion.backupRefusal(applied: applied, current: PostgresStore.currentSchemaVersion) {
            throw CommandError(message: refusal)
        }
        return try await configuration.withStore(logger: commandLogger()) { store in
            guard let postgres = store as? PostgresStore else { throw CommandError(message: "not a PostgreSQL store") }
            let (clients, snapshots, counts) = try await postgres.consistentSnapshots()
            let temporary = SQLiteBackup.temporaryPath(for: target)
            do {
                let copy = try await SQLiteStore.open(path: temporary, logger: commandLogger())
                do {
                    for client in clients { try await copy.addClient(client) }
                    for snapshot in snapshots { try await copy.restore(snapshot) }
                    try await copy.close()
                } catch {
                    try? await copy.close()
                    throw error
                }
            } catch {
                SQLiteBackup.remove(temporary)
                throw error
            }
            try SQLiteBackup.finish(temporary: temporary, at: target, expected: counts)
            return counts
        }
    }
}

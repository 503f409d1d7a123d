import ArgumentParser
import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerServices

struct Copy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy everything from one database to an empty one (SQLite to PostgreSQL or back), verified by counts."
    )
    @Option(help: "The database to read: SQLite file path or postgres:// URL.") var from: String
    @Option(help: "The empty database to fill: SQLite file path or postgres:// URL.") var to: String

    func run() async throws {
        try await reportingFailures {
            try await DatabaseLocation(from).withStore(logger: commandLogger()) { source in
                try await DatabaseLocation(to).withStore(logger: commandLogger()) { target in
                    let counts = try await Administration.copy(from: source, to: target)
                    Output.standardError("copied \(counts)")
                }
            }
        }
    }
}

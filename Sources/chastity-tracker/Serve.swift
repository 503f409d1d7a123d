import ArgumentParser
import ChastityTrackerCore
import Foundation
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server.")

    @OptionGroup var options: DatabaseOptions
    @Option(help: "Address to bind (env CT_HOST; default 127.0.0.1).") var host: String?
    @Option(help: "Port to bind (env CT_PORT; default 8080).") var port: Int?
    @Option(help: "Earliest date a record may have, YYYY-MM-DD (env CT_EARLIEST_DATE; default 1900-01-01).")
    var earliestDate: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env CT_LOG_LEVEL; default info).")
    var logLevel: String?

    /// The typed configuration: flag > environment variable > default.
    func makeConfiguration(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Configuration {
        var configuration = Configuration()
        if let host = host ?? environment["CT_HOST"] { configuration.host = host }
        if let text = port.map(String.init) ?? environment["CT_PORT"] {
            guard let port = Int(text), (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535, not '\(text)'") }
            configuration.port = port
        }
        if let text = earliestDate ?? environment["CT_EARLIEST_DATE"] {
            guard let date = LocalDate(text) else { throw ValidationError("--earliest-date must be a real date written YYYY-MM-DD, not '\(text)'") }
            configuration.earliestDate = date
        }
        return configuration
    }

    func resolvedLogLevel(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Logger.Level {
        let text = logLevel ?? environment["CT_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: text) else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical") }
        return level
    }

    func validate() throws {
        _ = try makeConfiguration()
        _ = try resolvedLogLevel()
    }

    func run() async throws {
        let configuration = try makeConfiguration()
        var logger = Logger(label: "chastity-tracker")
        logger.logLevel = try resolvedLogLevel()
        try await runAdmin {
            try await options.withStore(logger: logger) { store in
                if try await store.users().isEmpty {
                    let database = options.database.map { " --database '\($0)'" } ?? ""
                    Output.standardError("""
                    The database has no users yet. Create one and a token for your app:
                      chastity-tracker users add alice --timezone Europe/Berlin\(database)
                      chastity-tracker tokens create alice --write --label my-app\(database)
                    """)
                }
                try await serve(store: store, configuration: configuration, logger: logger)
            }
        }
    }

    private func serve(store: some ChastityStore, configuration: Configuration, logger: Logger) async throws {
        let app = buildApplication(configuration: configuration, store: store, logger: logger)
        logger.info("serving", metadata: ["host": .string(configuration.host), "port": .stringConvertible(configuration.port), "database": .string(options.redacted)])
        try await app.runService()
    }
}

import ArgumentParser
import ChastityTrackerDomain
import ChastityTrackerServer
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server.")

    @OptionGroup var options: DatabaseOptions
    @Option(help: "Address to bind (env CT_HOST; default 127.0.0.1).") var host: String?
    @Option(help: "Port to bind (env CT_PORT; default 8080).") var port: Int?
    @Option(help: "Earliest date a record may have, YYYY-MM-DD (env CT_EARLIEST_DATE; default 1900-01-01).")
    var earliestDate: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env CT_LOG_LEVEL; default info).")
    var logLevel: String?
    @Option(help: "Log format: text or json (one JSON object per line, for log shippers) (env CT_LOG_FORMAT; default text).")
    var logFormat: String?
    @Option(help: "PEM certificate chain; with --tls-key the server speaks TLS with HTTP/2 and HTTP/1.1 (env CT_TLS_CERT).")
    var tlsCert: String?
    @Option(help: "PEM private key for --tls-cert (env CT_TLS_KEY).")
    var tlsKey: String?
    @Flag(help: "A TLS-terminating proxy is in front: allow a plain-HTTP bind beyond loopback and refuse requests it marks X-Forwarded-Proto: http (env CT_BEHIND_PROXY=1).")
    var behindProxy = false
    @Option(help: "Requests per minute per token; 0 turns the limit off (env CT_RATE_LIMIT; default 600).")
    var rateLimit: Int?
    @Flag(help: "Serve Prometheus metrics at /metrics (env CT_METRICS=1).")
    var metrics = false
    @Option(help: "Most PostgreSQL connections this instance keeps open; ignored for SQLite (env CT_POOL_SIZE; default 10).")
    var poolSize: String?
    @Option(help: "The most records one user may keep; an insert past it answers 403 quota_exceeded; 0 turns the quota off (env CT_RECORD_QUOTA; default 100000).")
    var recordQuota: String?
    @Option(help: "The most writes that may wait for the database; one more answers 503 overloaded with Retry-After (env CT_WRITE_QUEUE; default 1000).")
    var writeQueue: String?
    @Option(help: "An origin allowed to call the API from a browser, e.g. https://app.example; repeat for more (env CT_CORS_ORIGINS, comma-separated; default none: CORS off).")
    var corsOrigin: [String] = []
    @Option(help: "Seconds a connection may stay idle, or take to send a request head or the next piece of a body, before it is closed (env CT_IDLE_TIMEOUT; default 30).")
    var idleTimeout: String?
    @Option(help: "Seconds a TLS client has to complete its handshake before the connection is closed (env CT_TLS_HANDSHAKE_TIMEOUT; default 10).")
    var tlsHandshakeTimeout: String?

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
        if let text = rateLimit.map(String.init) ?? environment["CT_RATE_LIMIT"] {
            guard let limit = Int(text), limit >= 0 else { throw ValidationError("--rate-limit must be 0 or more requests per minute, not '\(text)'") }
            configuration.rateLimitPerMinute = limit
        }
        if let text = recordQuota ?? environment["CT_RECORD_QUOTA"] {
            guard let quota = Int(text), quota >= 0 else { throw ValidationError("--record-quota must be 0 (no quota) or more records, not '\(text)'") }
            configuration.recordQuota = quota
        }
        if let text = writeQueue ?? environment["CT_WRITE_QUEUE"] {
            guard let limit = Int(text), limit >= 1 else { throw ValidationError("--write-queue must be a whole number of writes, 1 or more, not '\(text)'") }
            configuration.writeQueueLimit = limit
        }
        configuration.corsOrigins = corsOrigin.isEmpty
            ? (environment["CT_CORS_ORIGINS"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            : corsOrigin
        if let text = idleTimeout ?? environment["CT_IDLE_TIMEOUT"] {
            configuration.idleTimeout = try Self.timeout(text, flag: "--idle-timeout")
        }
        if let text = tlsHandshakeTimeout ?? environment["CT_TLS_HANDSHAKE_TIMEOUT"] {
            configuration.tlsHandshakeTimeout = try Self.timeout(text, flag: "--tls-handshake-timeout")
        }
        configuration.behindProxy = behindProxy || ["1", "true", "yes"].contains(environment["CT_BEHIND_PROXY"]?.lowercased() ?? "")
        switch (tlsCert ?? environment["CT_TLS_CERT"], tlsKey ?? environment["CT_TLS_KEY"]) {
        case (let cert?, let key?): configuration.tls = .init(certificateChainPath: cert, privateKeyPath: key)
        case (nil, nil): break
        default: throw ValidationError("--tls-cert and --tls-key go together")
        }
        do {
            try configuration.validateTransport()
        } catch {
            throw ValidationError(error.message)
        }
        return configuration
    }

    /// A timeout given in seconds (`30`, `0.5`): from a millisecond to an hour.
    static func timeout(_ text: String, flag: String) throws -> Duration {
        guard let seconds = Double(text), seconds.isFinite, seconds >= 0.001, seconds <= 3600 else {
            throw ValidationError("\(flag) must be a number of seconds from 0.001 to 3600, not '\(text)'")
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    func resolvedLogFormat(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> LogFormat {
        let text = logFormat ?? environment["CT_LOG_FORMAT"] ?? "text"
        guard let format = LogFormat(rawValue: text) else { throw ValidationError("--log-format must be text or json") }
        return format
    }

    func resolvedLogLevel(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Logger.Level {
        let text = logLevel ?? environment["CT_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: text) else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical") }
        return level
    }

    /// The PostgreSQL pool size: flag > `CT_POOL_SIZE` > 10. Only a `postgres://` database uses it.
    /// A bad value is a one-line error (a `CommandError`, not a `ValidationError`, which would
    /// print the usage text under it); the flag is read as text so that `abc` is one line too.
    func resolvedPoolSize(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int {
        guard let text = poolSize ?? environment["CT_POOL_SIZE"] else { return DatabaseLocation.defaultPoolSize }
        guard let size = Int(text), size >= 1 else { throw CommandError(message: "--pool-size must be a whole number of connections, 1 or more, not '\(text)'") }
        return size
    }

    /// A refused configuration is one line on stderr (docs/CONTRACT.md section 11), not a usage dump.
    func validate() throws {
        do {
            _ = try makeConfiguration()
            _ = try resolvedPoolSize()
            _ = try resolvedLogLevel()
            _ = try resolvedLogFormat()
        } catch let error as ArgumentParser.ValidationError {
            throw CommandError(message: error.message)
        }
    }

    func run() async throws {
        let configuration = try makeConfiguration()
        let level = try resolvedLogLevel()
        let format = try resolvedLogFormat()
        let poolSize = try resolvedPoolSize()
        LoggingSystem.bootstrap { label in
            var handler = LineLogHandler(label: label, format: format)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "chastity-tracker")
        var registry: PrometheusCollectorRegistry?
        if metrics || ["1", "true", "yes"].contains(ProcessInfo.processInfo.environment["CT_METRICS"]?.lowercased() ?? "") {
            let prometheus = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: prometheus))
            registry = prometheus
        }
        if let files = configuration.tls {
            do {
                _ = try makeTLSConfiguration(files)
            } catch let error as ChastityTrackerDomain.ValidationError {
                throw CommandError(message: error.message)
            }
        }
        try await runAdmin {
            try await options.withStore(logger: logger, poolSize: poolSize, writeQueueLimit: configuration.writeQueueLimit) { store in
                if try await store.users().isEmpty {
                    // A postgres:// URL may hold a password: the hint names the variable instead.
                    let isPostgres = options.database.map { DatabaseLocation($0).isPostgres } ?? false
                    let database = isPostgres ? #" --database "$CT_DATABASE""# : options.database.map { " --database '\($0)'" } ?? ""
                    let note = isPostgres ? "\nwith CT_DATABASE set to the URL given to serve (\(options.redacted))." : ""
                    Output.standardError("""
                    The database has no users yet. Create one and a token for your app:
                      chastity-tracker users add alice --timezone Europe/Berlin\(database)
                      chastity-tracker tokens create alice --write --label my-app\(database)\(note)
                    """)
                }
                try await serve(store: store, configuration: configuration, logger: logger, metrics: registry)
            }
        }
    }

    private func serve(store: some ChastityStore, configuration: Configuration, logger: Logger, metrics: PrometheusCollectorRegistry?) async throws {
        let app = try buildApplication(configuration: configuration, store: store, logger: logger, metrics: metrics)
        logger.info("serving", metadata: ["host": .string(configuration.host), "port": .stringConvertible(configuration.port), "database": .string(options.redacted)])
        try await app.runService()
    }
}

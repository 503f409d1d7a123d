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
    @Option(help: "Port to bind (env CT_PORT; default 8080).") var port: String?
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
    @Flag(
        help:
            "A TLS-terminating proxy is in front: allow a plain-HTTP bind beyond loopback and refuse requests it marks X-Forwarded-Proto: http (env CT_BEHIND_PROXY=1)."
    )
    var behindProxy = false
    @Option(
        help:
            "A proxy (address or block, e.g. 10.0.0.0/8) whose X-Forwarded-For and X-Forwarded-Proto count, with --behind-proxy; repeat for more (env CT_TRUSTED_PROXIES, comma-separated; default loopback)."
    )
    var trustedProxy: [String] = []
    @Option(
        help:
            "How many password checks (scrypt) run at once on threads of their own; a few more wait, and further sign-ins answer 503 (env CT_PASSWORD_CHECKS; default one per two cores, at least 1)."
    )
    var passwordChecks: String?
    @Option(
        help:
            "Failed password checks per minute for browsers that have not signed in to the account before; past it they answer 429 without a check; 0 turns it off (env CT_SIGN_IN_FAILURES_PER_MINUTE; default 60)."
    )
    var signInFailuresPerMinute: String?
    @Option(help: "Requests per minute per token; 0 turns the limit off (env CT_RATE_LIMIT; default 600).")
    var rateLimit: String?
    @Flag(help: "Serve Prometheus metrics at /metrics (env CT_METRICS=1).")
    var metrics = false
    @Option(help: "Most PostgreSQL connections this instance keeps open; ignored for SQLite (env CT_POOL_SIZE; default 10).")
    var poolSize: String?
    @Option(
        help:
            "The most records one user may keep; an insert past it answers 403 quota_exceeded; 0 turns the quota off (env CT_RECORD_QUOTA; default 100000)."
    )
    var recordQuota: String?

    @Option(
        name: .customLong("changes-retention"),
        help: "How many days the changes feed remembers a deletion; an app whose state is older lists again (env CT_CHANGES_RETENTION; default 30)."
    )
    var changesRetention: String?
    @Option(
        help: "The most writes that may wait for the database; one more answers 503 overloaded with Retry-After (env CT_WRITE_QUEUE; default 1000).")
    var writeQueue: String?
    @Option(
        help:
            "Seconds a PostgreSQL instance reuses a token's lookup, 0 (off) to 5; revocations reach it at once by notification, this bounds a lost one (env CT_TOKEN_CACHE; default 2)."
    )
    var tokenCache: String?
    @Option(
        help:
            "An origin allowed to call the API from a browser, e.g. https://app.example; repeat for more (env CT_CORS_ORIGINS, comma-separated; default none: CORS off)."
    )
    var corsOrigin: [String] = []
    @Option(
        help:
            "Seconds a connection may stay idle, or take to send a request head or the next piece of a body, before it is closed (env CT_IDLE_TIMEOUT; default 30)."
    )
    var idleTimeout: String?
    @Option(help: "Seconds a TLS client has to complete its handshake before the connection is closed (env CT_TLS_HANDSHAKE_TIMEOUT; default 10).")
    var tlsHandshakeTimeout: String?
    @Flag(
        help:
            "Let webhooks reach plain http and private, loopback and link-local addresses: for development and tests only (env CT_WEBHOOKS_ALLOW_PRIVATE=1)."
    )
    var webhooksAllowPrivate = false
    @Option(
        help:
            "The server's public https URL, such as https://tracker.example.com: the OAuth issuer; OAuth is off without it (env CT_PUBLIC_URL; default none)."
    )
    var publicURL: String?

    /// The flags as given, as text: every check, and every message, is the configuration's own
    /// (``Configuration/init(flags:environment:)``), so a bad value of any flag is one line.
    var flags: Configuration.Flags {
        var flags = Configuration.Flags()
        flags.host = host
        flags.port = port
        flags.earliestDate = earliestDate
        flags.logLevel = logLevel
        flags.logFormat = logFormat
        flags.tlsCert = tlsCert
        flags.tlsKey = tlsKey
        flags.behindProxy = behindProxy
        flags.rateLimit = rateLimit
        flags.metrics = metrics
        flags.poolSize = poolSize
        flags.recordQuota = recordQuota
        flags.changesRetention = changesRetention
        flags.writeQueue = writeQueue
        flags.tokenCache = tokenCache
        flags.corsOrigins = corsOrigin
        flags.trustedProxies = trustedProxy
        flags.passwordChecks = passwordChecks
        flags.signInFailuresPerMinute = signInFailuresPerMinute
        flags.idleTimeout = idleTimeout
        flags.tlsHandshakeTimeout = tlsHandshakeTimeout
        flags.webhooksAllowPrivate = webhooksAllowPrivate
        flags.publicURL = publicURL
        return flags
    }

    func run() async throws {
        let configuration = try options.configuration(flags)
        // Serving plain HTTP beyond loopback is serve's rule alone: the other commands bind nothing.
        do {
            try configuration.validateTransport()
        } catch {
            throw CommandError(message: error.message)
        }
        LoggingSystem.bootstrap { label in
            var handler = LineLogHandler(label: label, format: configuration.logFormat)
            handler.logLevel = configuration.logLevel
            return handler
        }
        let logger = Logger(label: "chastity-tracker")
        var registry: PrometheusCollectorRegistry?
        if configuration.metrics {
            let prometheus = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: prometheus))
            registry = prometheus
        }
        try await reportingFailures {
            try await configuration.withStore(logger: logger, serving: true) { store in
                try await serve(store: store, configuration: configuration, logger: logger, metrics: registry)
            }
        }
    }

    private func serve(store: some ChastityStore, configuration: Configuration, logger: Logger, metrics: PrometheusCollectorRegistry?) async throws {
        // The TLS files are read here, once; a file that cannot be read is one line.
        let app = try ChastityTrackerDomain.ValidationError.asCommandError {
            try buildApplication(configuration: configuration, store: store, logger: logger, metrics: metrics, webhooks: true)
        }
        if try await store.users().isEmpty {
            Output.standardError(firstStartHint(configuration: configuration, command: CommandInvocation.current))
        }
        logger.info(
            "serving",
            metadata: [
                "host": .string(configuration.host), "port": .stringConvertible(configuration.port),
                "database": .string(configuration.redactedDatabase),
            ])
        try await app.runService()
    }
}

extension Serve {
    /// What `serve` prints on a database with no users: the commands that create a first user,
    /// their password and a token, written so that they run as typed here (`command` is how this
    /// binary is run again, see ``CommandInvocation``), and where to sign in.
    func firstStartHint(configuration: Configuration, command: String) -> String {
        // A postgres:// URL may hold a password: the hint names the variable instead.
        let isPostgres = options.database.map { DatabaseLocation($0).isPostgres } ?? false
        let database =
            isPostgres
            ? #" --database "$CT_DATABASE""#
            : options.database.map { " --database " + CommandInvocation.singleQuoted($0) } ?? ""
        let note = isPostgres ? "\nwith CT_DATABASE set to the URL given to serve (\(configuration.redactedDatabase))." : ""
        let scheme = configuration.tls == nil ? "http" : "https"
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let pages =
            configuration.behindProxy
            ? "Then sign in on the account pages, /account/ through your proxy."
            : "Then sign in on the account pages: \(scheme)://\(host):\(configuration.port)/account/"
        return """
            The database has no users yet. Create one, give them a password for the account pages \
            (it is read from standard input) and a token for your app:
              \(command) users add alice --timezone Europe/Berlin\(database)
              \(command) users set-password alice\(database)
              \(command) tokens create alice --write --label my-app\(database)\(note)
            \(pages)
            """
    }
}

extension ChastityTrackerDomain.ValidationError {
    /// Runs `body`, turning a ``ValidationError`` it throws into the command line's error type.
    static func asCommandError<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ChastityTrackerDomain.ValidationError {
            throw CommandError(message: error.message)
        }
    }
}

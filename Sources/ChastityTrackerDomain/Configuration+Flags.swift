import Logging

extension Configuration {
    /// What the command line was given, as text, before any of it is checked: one field per
    /// flag, `nil` (or empty, or `false`) when the flag was not given.
    public struct Flags: Sendable, Hashable {
        public var database: String?
        public var host: String?
        public var port: String?
        public var earliestDate: String?
        public var logLevel: String?
        public var logFormat: String?
        public var tlsCert: String?
        public var tlsKey: String?
        public var behindProxy = false
        public var rateLimit: String?
        public var metrics = false
        public var poolSize: String?
        public var recordQuota: String?
        public var changesRetention: String?
        public var writeQueue: String?
        public var tokenCache: String?
        public var corsOrigins: [String] = []
        public var trustedProxies: [String] = []
        public var passwordChecks: String?
        public var signInFailuresPerMinute: String?
        public var idleTimeout: String?
        public var tlsHandshakeTimeout: String?
        public var webhooksAllowPrivate = false
        public var publicURL: String?

        public init() {}
    }

    /// The environment variable behind each flag.
    public enum EnvironmentVariable {
        public static let database = "CT_DATABASE"
        public static let host = "CT_HOST"
        public static let port = "CT_PORT"
        public static let earliestDate = "CT_EARLIEST_DATE"
        public static let logLevel = "CT_LOG_LEVEL"
        public static let logFormat = "CT_LOG_FORMAT"
        public static let tlsCert = "CT_TLS_CERT"
        public static let tlsKey = "CT_TLS_KEY"
        public static let behindProxy = "CT_BEHIND_PROXY"
        public static let rateLimit = "CT_RATE_LIMIT"
        public static let metrics = "CT_METRICS"
        public static let poolSize = "CT_POOL_SIZE"
        public static let recordQuota = "CT_RECORD_QUOTA"
        public static let changesRetention = "CT_CHANGES_RETENTION"
        public static let writeQueue = "CT_WRITE_QUEUE"
        public static let tokenCache = "CT_TOKEN_CACHE"
        public static let corsOrigins = "CT_CORS_ORIGINS"
        public static let trustedProxies = "CT_TRUSTED_PROXIES"
        public static let passwordChecks = "CT_PASSWORD_CHECKS"
        public static let signInFailuresPerMinute = "CT_SIGN_IN_FAILURES_PER_MINUTE"
        public static let idleTimeout = "CT_IDLE_TIMEOUT"
        public static let tlsHandshakeTimeout = "CT_TLS_HANDSHAKE_TIMEOUT"
        public static let webhooksAllowPrivate = "CT_WEBHOOKS_ALLOW_PRIVATE"
        public static let publicURL = "CT_PUBLIC_URL"
    }

    /// The one way a configuration is made from the outside: each setting from its flag, else
    /// its environment variable (an empty one counts as unset), else its default. Throws a
    /// ``ConfigurationError`` whose message is one line naming the flag and the value refused.
    /// Whether the values fit together for serving (``validateTransport()``) is `serve`'s check.
    public init(flags: Flags, environment: [String: String]) throws(ConfigurationError) {
        self.init()
        func text(_ flag: String?, _ variable: String) -> String? {
            flag ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        func isOn(_ flag: Bool, _ variable: String) -> Bool {
            flag || ["1", "true", "yes"].contains(environment[variable]?.lowercased() ?? "")
        }
        func integer(_ flag: String?, _ variable: String, atLeast minimum: Int, _ rule: (String) -> String) throws(ConfigurationError) -> Int? {
            guard let value = text(flag, variable) else { return nil }
            guard let number = Int(value), number >= minimum else { throw ConfigurationError(rule(value)) }
            return number
        }
        typealias Variable = EnvironmentVariable

        if let database = text(flags.database, Variable.database) { self.database = database }
        if let host = text(flags.host, Variable.host) { self.host = host }
        if let port = try integer(flags.port, Variable.port, atLeast: 0, { "--port must be 0 to 65535, not '\($0)'" }) {
            guard port <= 65535 else { throw ConfigurationError("--port must be 0 to 65535, not '\(port)'") }
            self.port = port
        }
        if let value = text(flags.earliestDate, Variable.earliestDate) {
            guard let date = LocalDate(value) else {
                throw ConfigurationError("--earliest-date must be a real date written YYYY-MM-DD, not '\(value)'")
            }
            earliestDate = date
        }
        if let value = text(flags.logLevel, Variable.logLevel) {
            guard let level = Logger.Level(rawValue: value) else {
                throw ConfigurationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
            }
            logLevel = level
        }
        if let value = text(flags.logFormat, Variable.logFormat) {
            guard let format = LogFormat(rawValue: value) else { throw ConfigurationError("--log-format must be text or json") }
            logFormat = format
        }
        if let limit = try integer(
            flags.rateLimit, Variable.rateLimit, atLeast: 0, { "--rate-limit must be 0 or more requests per minute, not '\($0)'" })
        {
            rateLimitPerMinute = limit
        }
        if let size = try integer(
            flags.poolSize, Variable.poolSize, atLeast: 1, { "--pool-size must be a whole number of connections, 1 or more, not '\($0)'" })
        {
            poolSize = size
        }
        if let quota = try integer(
            flags.recordQuota, Variable.recordQuota, atLeast: 0, { "--record-quota must be 0 (no quota) or more records, not '\($0)'" })
        {
            recordQuota = quota
        }
        if let days = try integer(
            flags.changesRetention, Variable.changesRetention, atLeast: 1,
            { "--changes-retention must be a whole number of days, 1 or more, not '\($0)'" })
        {
            changesRetention = .seconds(Int64(days) * 86_400)
        }
        if let limit = try integer(
            flags.writeQueue, Variable.writeQueue, atLeast: 1, { "--write-queue must be a whole number of writes, 1 or more, not '\($0)'" })
        {
            writeQueueLimit = limit
        }
        if let value = text(flags.tokenCache, Variable.tokenCache) {
            // docs/CONTRACT.md section 3: a revoke shows on every instance within 5 s.
            tokenCacheLifetime = try Self.seconds(value, flag: "--token-cache", in: 0...5, described: "0 (off) to 5")
        }
        corsOrigins =
            flags.corsOrigins.isEmpty
            ? (environment[Variable.corsOrigins] ?? "").split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
            : flags.corsOrigins
        let proxies =
            flags.trustedProxies.isEmpty
            ? (environment[Variable.trustedProxies] ?? "").split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
            : flags.trustedProxies
        if !proxies.isEmpty {
            trustedProxies = try proxies.map { text throws(ConfigurationError) in
                guard let network = IPNetwork(text) else {
                    throw ConfigurationError("--trusted-proxy must be an IP address or a block such as 10.0.0.0/8 or fd00::/8, not '\(text)'")
                }
                return network
            }
        }
        if let checks = try integer(
            flags.passwordChecks, Variable.passwordChecks, atLeast: 1,
            { "--password-checks must be a whole number of checks at once, 1 or more, not '\($0)'" })
        {
            passwordChecks = checks
        }
        if let budget = try integer(
            flags.signInFailuresPerMinute, Variable.signInFailuresPerMinute, atLeast: 0,
            { "--sign-in-failures-per-minute must be 0 (no budget) or more failed checks per minute, not '\($0)'" })
        {
            signInFailuresPerMinute = budget
        }
        if let value = text(flags.idleTimeout, Variable.idleTimeout) { idleTimeout = try Self.timeout(value, flag: "--idle-timeout") }
        if let value = text(flags.tlsHandshakeTimeout, Variable.tlsHandshakeTimeout) {
            tlsHandshakeTimeout = try Self.timeout(value, flag: "--tls-handshake-timeout")
        }
        behindProxy = isOn(flags.behindProxy, Variable.behindProxy)
        metrics = isOn(flags.metrics, Variable.metrics)
        webhooksAllowPrivate = isOn(flags.webhooksAllowPrivate, Variable.webhooksAllowPrivate)
        if let value = text(flags.publicURL, Variable.publicURL) { publicURL = try Self.issuer(value) }
        switch (text(flags.tlsCert, Variable.tlsCert), text(flags.tlsKey, Variable.tlsKey)) {
        case (let cert?, let key?): tls = TLSFiles(certificateChainPath: cert, privateKeyPath: key)
        case (nil, nil): tls = nil
        default: throw ConfigurationError("--tls-cert and --tls-key go together")
        }
    }

    /// The server's public URL as OAuth's issuer (RFC 8414 section 2): `https://` and a host, with
    /// an optional port, no path (the endpoints and the metadata live at the root), query, fragment
    /// or user information; a trailing `/` is dropped, so that the issuer in the metadata and in every redirect's `iss` is one string.
    /// Plain `http://` is accepted for the loopback addresses `127.0.0.1` and `[::1]` only, for
    /// development and tests (browsers treat loopback as secure).
    static func issuer(_ text: String) throws(ConfigurationError) -> String {
        let refusal = ConfigurationError(
            "--public-url must be the server's public https URL, such as https://tracker.example.com, with no path, query or fragment, not '\(text)'")
        // The same rules as an https or loopback redirect URI (RFC 8414 asks no less), checked by
        // its parser; a private-use scheme is no issuer.
        let lowered = text.lowercased()
        guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://"), !text.contains("?"),
            (try? RedirectURI(text.hasSuffix("/") ? text : text + "/")) != nil
        else { throw refusal }
        var issuer = text
        while issuer.hasSuffix("/") { issuer.removeLast() }
        guard issuer.split(separator: "/", omittingEmptySubsequences: false).count == 3 else { throw refusal }
        return issuer
    }

    /// A timeout given in seconds (`30`, `0.5`): from a millisecond to an hour.
    static func timeout(_ text: String, flag: String) throws(ConfigurationError) -> Duration {
        try seconds(text, flag: flag, in: 0.001...3600, described: "0.001 to 3600")
    }

    /// A duration given in seconds (`30`, `0.5`) within `range` (`described` in the message), to
    /// the millisecond.
    static func seconds(_ text: String, flag: String, in range: ClosedRange<Double>, described: String) throws(ConfigurationError)
        -> Duration
    {
        guard let seconds = Double(text), seconds.isFinite, range.contains(seconds) else {
            throw ConfigurationError("\(flag) must be a number of seconds from \(described), not '\(text)'")
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}

/// How log lines are written.
public enum LogFormat: String, Sendable, Hashable {
    /// swift-log's familiar line.
    case text
    /// One JSON object per line, for log shippers.
    case json
}

/// A flag or environment value that `serve` or another command cannot use; its message is one
/// line naming the flag and the value.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

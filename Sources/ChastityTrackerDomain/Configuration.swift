import Foundation
public import Logging

/// Everything the commands can be told, as one value, built once by ``init(flags:environment:)``
/// (flag > environment variable > default) and handed to everything that needs it; tests build
/// it directly.
public struct Configuration: Sendable {
    /// A SQLite file path or a `postgres://` URL.
    public var database: String = Configuration.defaultDatabase
    /// Most PostgreSQL connections this instance keeps open; SQLite ignores it.
    public var poolSize: Int = Configuration.defaultPoolSize
    /// The least severe log level written.
    public var logLevel: Logger.Level = .info
    /// How log lines are written.
    public var logFormat: LogFormat = .text
    /// Whether `/metrics` serves Prometheus metrics.
    public var metrics = false
    /// Whether webhooks may target plain `http` and private, loopback or link-local addresses
    /// (docs/CONTRACT.md section 14): for development and tests only.
    public var webhooksAllowPrivate = false
    /// The server's public URL, OAuth's issuer (docs/CONTRACT.md section 15), without a trailing
    /// `/`; `nil` turns OAuth off (its endpoints and the consent page do not exist).
    public var publicURL: String?

    /// ``database`` unless told otherwise: a file in the working directory.
    public static let defaultDatabase = "./chastity-tracker.sqlite"
    /// ``poolSize`` unless told otherwise.
    public static let defaultPoolSize = 10

    /// Address to bind; loopback by default.
    public var host: String
    /// Port to bind; 0 picks a free one.
    public var port: Int
    /// No record may be dated earlier than this.
    public var earliestDate: LocalDate

    /// Requests per minute per token; 0 turns the limit off.
    public var rateLimitPerMinute: Int
    /// Origins allowed to call the API from a browser; empty turns CORS off.
    public var corsOrigins: [String]
    /// A TLS-terminating proxy is in front: plain-HTTP binds beyond loopback are allowed, and a
    /// request the proxy marks `X-Forwarded-Proto: http` is refused.
    public var behindProxy: Bool
    /// Certificate and key to speak TLS (HTTP/2 and HTTP/1.1 by ALPN); `nil` for plain HTTP.
    public var tls: TLSFiles?
    /// How long a connection may go without a complete request head, a piece of request body or
    /// (between requests) anything at all before it is closed: bounds idle keep-alive
    /// connections, slow request heads and stalled bodies, so a client cannot hold one forever.
    public var idleTimeout: Duration
    /// How long a TLS client has to complete its handshake before the connection is closed.
    public var tlsHandshakeTimeout: Duration

    /// The default ``idleTimeout``.
    public static let defaultIdleTimeout = Duration.seconds(30)
    /// The default ``tlsHandshakeTimeout``.
    public static let defaultTLSHandshakeTimeout = Duration.seconds(10)
    /// The most records one user may keep; an insert past it is refused with 403
    /// `quota_exceeded`. 0 turns the quota off.
    public var recordQuota: Int
    /// How long the changes feed remembers a deletion (docs/CONTRACT.md section 13); a state
    /// older than a forgotten deletion answers 410 `state_expired`.
    public var changesRetention: Duration = Configuration.defaultChangesRetention
    /// The most writes that may wait for the database at once (SQLite: queued for the single
    /// writer; PostgreSQL: in flight or waiting for a pooled connection, per instance); one more
    /// is refused at once with 503 `overloaded`. The store takes it when it is opened.
    public var writeQueueLimit: Int
    /// How long a PostgreSQL instance reuses a token's lookup (zero: never). Changes reach every
    /// instance at once by notification; this bounds a lost one. At most 5 s (docs/CONTRACT.md
    /// section 3); SQLite has no such cache.
    public var tokenCacheLifetime: Duration = Configuration.defaultTokenCacheLifetime

    /// The peers whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed, with
    /// ``behindProxy``: the proxy's own address. Anyone else's forwarded headers are ignored, and
    /// their requests count as plain HTTP. Loopback unless told otherwise.
    public var trustedProxies: [IPNetwork] = IPNetwork.loopback
    /// How many password checks (scrypt, about 100 ms of a core and 32 MiB each) run at once, on
    /// threads of their own; a few more may wait, and a sign-in past them answers 503 at once.
    public var passwordChecks: Int = Configuration.defaultPasswordChecks
    /// How many failed password checks per minute this instance runs for browsers that have not
    /// signed in to the account before; past it they are refused (429) without a check, while
    /// browsers with the account's device cookie still get theirs. 0 turns the budget off.
    public var signInFailuresPerMinute: Int = Configuration.defaultSignInFailuresPerMinute

    /// ``passwordChecks`` unless told otherwise: one per two cores, at least one, so that the
    /// API keeps the other cores however many sign-ins arrive.
    public static var defaultPasswordChecks: Int { max(1, ProcessInfo.processInfo.activeProcessorCount / 2) }
    /// ``signInFailuresPerMinute`` unless told otherwise: one a second, six seconds of a core per
    /// minute at the most.
    public static let defaultSignInFailuresPerMinute = 60
    /// ``recordQuota`` unless told otherwise: far above what a person records in a lifetime,
    /// far below what fills a disk.
    public static let defaultRecordQuota = 100_000
    /// ``changesRetention`` unless told otherwise: 30 days, longer than an app stays offline.
    public static let defaultChangesRetention = Duration.seconds(30 * 86_400)
    /// ``writeQueueLimit`` unless told otherwise.
    public static let defaultWriteQueueLimit = 1_000
    /// ``tokenCacheLifetime`` unless told otherwise.
    public static let defaultTokenCacheLifetime = Duration.seconds(2)

    /// PEM files for TLS.
    public struct TLSFiles: Sendable, Hashable {
        public var certificateChainPath: String
        public var privateKeyPath: String

        public init(certificateChainPath: String, privateKeyPath: String) {
            self.certificateChainPath = certificateChainPath
            self.privateKeyPath = privateKeyPath
        }
    }

    public init(
        host: String = "127.0.0.1", port: Int = 8080, earliestDate: LocalDate = LocalDate(year: 1900, month: 1, day: 1)!,
        rateLimitPerMinute: Int = 600, corsOrigins: [String] = [], behindProxy: Bool = false, tls: TLSFiles? = nil,
        idleTimeout: Duration = Configuration.defaultIdleTimeout, tlsHandshakeTimeout: Duration = Configuration.defaultTLSHandshakeTimeout,
        recordQuota: Int = Configuration.defaultRecordQuota, writeQueueLimit: Int = Configuration.defaultWriteQueueLimit
    ) {
        self.host = host
        self.port = port
        self.earliestDate = earliestDate
        self.rateLimitPerMinute = rateLimitPerMinute
        self.corsOrigins = corsOrigins
        self.behindProxy = behindProxy
        self.tls = tls
        self.idleTimeout = idleTimeout
        self.tlsHandshakeTimeout = tlsHandshakeTimeout
        self.recordQuota = recordQuota
        self.writeQueueLimit = writeQueueLimit
    }

    /// Whether `host` only accepts connections from this machine: `localhost`, an IPv4 address
    /// in 127.0.0.0/8 or the IPv6 loopback `::1` (bracketed or not, in any spelling). A name that
    /// merely starts with `127.` (`127.0.0.1.nip.io`) is a DNS name that may resolve anywhere, so
    /// it is not; nor is an IPv4-mapped spelling (`::ffff:127.0.0.1`), an unusual thing to bind
    /// to, where refusing costs nothing.
    public static func isLoopback(_ host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        guard let address = IPAddress(host), !(address.isIPv4 && host.contains(":")) else { return false }
        return IPNetwork.loopback.contains { $0.contains(address) }
    }

    /// Refuses a plain-HTTP bind beyond loopback unless a TLS-terminating proxy is declared:
    /// tokens must never cross a network in clear text.
    public func validateTransport() throws(ValidationError) {
        if tls == nil, !behindProxy, !Self.isLoopback(host) {
            throw ValidationError(
                field: "host",
                message:
                    "refusing to serve plain HTTP on \(host): give --tls-cert and --tls-key, or --behind-proxy when a TLS-terminating proxy is in front"
            )
        }
    }
}

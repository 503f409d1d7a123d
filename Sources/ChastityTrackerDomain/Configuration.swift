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
    /// The most writes that may wait for the database at once (SQLite: queued for the single
    /// writer; PostgreSQL: in flight or waiting for a pooled connection, per instance); one more
    /// is refused at once with 503 `overloaded`. The store takes it when it is opened.
    public var writeQueueLimit: Int
    /// How long a PostgreSQL instance reuses a token's lookup (zero: never). Changes reach every
    /// instance at once by notification; this bounds a lost one. At most 5 s (SPEC section 3);
    /// SQLite has no such cache.
    public var tokenCacheLifetime: Duration = Configuration.defaultTokenCacheLifetime

    /// ``recordQuota`` unless told otherwise: far above what a person records in a lifetime,
    /// far below what fills a disk.
    public static let defaultRecordQuota = 100_000
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
    /// in 127.0.0.0/8 or the IPv6 loopback `::1` (bracketed or not). A name that merely starts
    /// with `127.` (`127.0.0.1.nip.io`) is a DNS name that may resolve anywhere, so it is not.
    public static func isLoopback(_ host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        var address = Substring(host)
        if address.hasPrefix("["), address.hasSuffix("]") { address = address.dropFirst().dropLast() }
        let octets = address.split(separator: ".", omittingEmptySubsequences: false)
        if octets.count == 4, octets.allSatisfy({ (1...3).contains($0.count) && $0.allSatisfy({ ("0"..."9").contains($0) }) && Int($0)! <= 255 }) {
            return octets[0] == "127"
        }
        // IPv6: every spelling of ::1 (leading zeros and the :: abbreviation).
        return ipv6Groups(address) == [0, 0, 0, 0, 0, 0, 0, 1]
    }

    /// The eight 16-bit groups of a textual IPv6 address without embedded IPv4, or `nil`.
    private static func ipv6Groups(_ text: Substring) -> [UInt16]? {
        func groups(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        let halves = text.components(separatedBy: "::")
        switch halves.count {
        case 1:
            guard let all = groups(Substring(halves[0])), all.count == 8 else { return nil }
            return all
        case 2:
            guard let head = groups(Substring(halves[0])), let tail = groups(Substring(halves[1])), head.count + tail.count < 8 else { return nil }
            return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        default:
            return nil
        }
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

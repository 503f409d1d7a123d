/// Everything `serve` can be told, as one value; the command line builds it (flag > environment
/// variable > default) and tests build it directly.
public struct Configuration: Sendable {
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
        rateLimitPerMinute: Int = 600, corsOrigins: [String] = [], behindProxy: Bool = false, tls: TLSFiles? = nil
    ) {
        self.host = host
        self.port = port
        self.earliestDate = earliestDate
        self.rateLimitPerMinute = rateLimitPerMinute
        self.corsOrigins = corsOrigins
        self.behindProxy = behindProxy
        self.tls = tls
    }

    /// Whether `host` only accepts connections from this machine.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// Refuses a plain-HTTP bind beyond loopback unless a TLS-terminating proxy is declared:
    /// tokens must never cross a network in clear text.
    public func validateTransport() throws(ValidationError) {
        if tls == nil, !behindProxy, !Self.isLoopback(host) {
            throw ValidationError(
                field: "host",
                message: "refusing to serve plain HTTP on \(host): give --tls-cert and --tls-key, or --behind-proxy when a TLS-terminating proxy is in front"
            )
        }
    }
}

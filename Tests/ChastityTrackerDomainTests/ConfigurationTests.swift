import ChastityTrackerDomain
import Logging
import Testing

/// The one configuration: flag > environment variable > default, and a one-line message for
/// every value refused.
@Suite struct ConfigurationTests {
    static func flags(_ set: (inout Configuration.Flags) -> Void) -> Configuration.Flags {
        var flags = Configuration.Flags()
        set(&flags)
        return flags
    }

    @Test("With nothing given, every setting has its documented default")
    func defaults() throws {
        let configuration = try Configuration(flags: .init(), environment: [:])
        #expect(configuration.database == "./chastity-tracker.sqlite")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.earliestDate == LocalDate("1900-01-01"))
        #expect(configuration.logLevel == .info)
        #expect(configuration.logFormat == .text)
        #expect(configuration.rateLimitPerMinute == 600)
        #expect(configuration.poolSize == 10)
        #expect(configuration.recordQuota == 100_000)
        #expect(configuration.writeQueueLimit == 1_000)
        #expect(configuration.tokenCacheLifetime == .seconds(2))
        #expect(configuration.corsOrigins == [])
        #expect(configuration.idleTimeout == .seconds(30))
        #expect(configuration.tlsHandshakeTimeout == .seconds(10))
        #expect(configuration.behindProxy == false)
        #expect(configuration.metrics == false)
        #expect(configuration.tls == nil)
    }

    @Test("The environment sets what no flag gives; an empty variable counts as unset")
    func environment() throws {
        let configuration = try Configuration(
            flags: .init(),
            environment: [
                "CT_DATABASE": "postgres://u@h/db", "CT_HOST": "localhost", "CT_PORT": "9000", "CT_EARLIEST_DATE": "2000-01-01",
                "CT_LOG_LEVEL": "debug", "CT_LOG_FORMAT": "json", "CT_RATE_LIMIT": "0", "CT_POOL_SIZE": "3", "CT_RECORD_QUOTA": "0",
                "CT_WRITE_QUEUE": "5", "CT_CORS_ORIGINS": "https://a.example, https://b.example,", "CT_IDLE_TIMEOUT": "0.5",
                "CT_TLS_HANDSHAKE_TIMEOUT": "2", "CT_TOKEN_CACHE": "0.25", "CT_BEHIND_PROXY": "yes", "CT_METRICS": "1", "CT_TLS_CERT": "c.pem",
                "CT_TLS_KEY": "k.pem",
            ])
        #expect(configuration.database == "postgres://u@h/db")
        #expect(configuration.host == "localhost")
        #expect(configuration.port == 9000)
        #expect(configuration.earliestDate == LocalDate("2000-01-01"))
        #expect(configuration.logLevel == .debug)
        #expect(configuration.logFormat == .json)
        #expect(configuration.rateLimitPerMinute == 0)
        #expect(configuration.poolSize == 3)
        #expect(configuration.recordQuota == 0)
        #expect(configuration.writeQueueLimit == 5)
        #expect(configuration.corsOrigins == ["https://a.example", "https://b.example"])
        #expect(configuration.idleTimeout == .milliseconds(500))
        #expect(configuration.tlsHandshakeTimeout == .seconds(2))
        #expect(configuration.tokenCacheLifetime == .milliseconds(250))
        #expect(configuration.behindProxy)
        #expect(configuration.metrics)
        #expect(configuration.tls == Configuration.TLSFiles(certificateChainPath: "c.pem", privateKeyPath: "k.pem"))
        #expect(try Configuration(flags: .init(), environment: ["CT_DATABASE": "", "CT_PORT": ""]).database == "./chastity-tracker.sqlite")
    }

    @Test("A flag wins over its environment variable")
    func flagWins() throws {
        let flags = Self.flags {
            $0.database = "flag.sqlite"
            $0.port = "1234"
            $0.poolSize = "7"
            $0.corsOrigins = ["https://flag.example"]
            $0.logFormat = "text"
        }
        let configuration = try Configuration(
            flags: flags,
            environment: [
                "CT_DATABASE": "env.sqlite", "CT_PORT": "4321", "CT_POOL_SIZE": "2", "CT_CORS_ORIGINS": "https://env.example",
                "CT_LOG_FORMAT": "json",
            ])
        #expect(configuration.database == "flag.sqlite")
        #expect(configuration.port == 1234)
        #expect(configuration.poolSize == 7)
        #expect(configuration.corsOrigins == ["https://flag.example"])
        #expect(configuration.logFormat == .text)
    }

    @Test(
        "Every refused value is one line naming the flag",
        arguments: [
            ("CT_PORT", "70000", "--port must be 0 to 65535, not '70000'"),
            ("CT_PORT", "abc", "--port must be 0 to 65535, not 'abc'"),
            ("CT_PORT", "-1", "--port must be 0 to 65535, not '-1'"),
            ("CT_EARLIEST_DATE", "2026-02-30", "--earliest-date must be a real date written YYYY-MM-DD, not '2026-02-30'"),
            ("CT_LOG_LEVEL", "loud", "--log-level must be one of trace, debug, info, notice, warning, error, critical"),
            ("CT_LOG_FORMAT", "xml", "--log-format must be text or json"),
            ("CT_RATE_LIMIT", "-1", "--rate-limit must be 0 or more requests per minute, not '-1'"),
            ("CT_POOL_SIZE", "0", "--pool-size must be a whole number of connections, 1 or more, not '0'"),
            ("CT_POOL_SIZE", "abc", "--pool-size must be a whole number of connections, 1 or more, not 'abc'"),
            ("CT_RECORD_QUOTA", "-5", "--record-quota must be 0 (no quota) or more records, not '-5'"),
            ("CT_WRITE_QUEUE", "0", "--write-queue must be a whole number of writes, 1 or more, not '0'"),
            ("CT_IDLE_TIMEOUT", "0", "--idle-timeout must be a number of seconds from 0.001 to 3600, not '0'"),
            ("CT_IDLE_TIMEOUT", "nan", "--idle-timeout must be a number of seconds from 0.001 to 3600, not 'nan'"),
            ("CT_TLS_HANDSHAKE_TIMEOUT", "3601", "--tls-handshake-timeout must be a number of seconds from 0.001 to 3600, not '3601'"),
            ("CT_TOKEN_CACHE", "6", "--token-cache must be a number of seconds from 0 (off) to 5, not '6'"),
            ("CT_TOKEN_CACHE", "-1", "--token-cache must be a number of seconds from 0 (off) to 5, not '-1'"),
            ("CT_TOKEN_CACHE", "inf", "--token-cache must be a number of seconds from 0 (off) to 5, not 'inf'"),
            ("CT_TLS_CERT", "c.pem", "--tls-cert and --tls-key go together"),
            ("CT_TLS_KEY", "k.pem", "--tls-cert and --tls-key go together"),
        ])
    func refused(variable: String, value: String, message: String) {
        #expect(throws: ConfigurationError(message)) { try Configuration(flags: .init(), environment: [variable: value]) }
    }

    @Test("A flag's bad value is refused the same way as the variable's")
    func refusedFlag() {
        #expect(throws: ConfigurationError("--pool-size must be a whole number of connections, 1 or more, not 'x'")) {
            try Configuration(flags: Self.flags { $0.poolSize = "x" }, environment: ["CT_POOL_SIZE": "4"])
        }
    }
}

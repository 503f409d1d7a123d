import Foundation
import PostgresNIO

/// The connection settings named by a `postgres://user:password@host:port/database?sslmode=…` URL.
struct PostgresURL {
    /// How the connection is encrypted, as libpq's `sslmode` spells it.
    enum SSLMode: String {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without verifying the certificate.
        case prefer
        /// TLS always, without verifying the certificate.
        case require
        /// TLS always, with the certificate verified against the system roots and the host name.
        case verifyFull = "verify-full"
    }

    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String?
    var sslMode: SSLMode

    static let expectedForm = "expected postgres://user:password@host:port/database, with / # ? @ : % in the password percent-encoded"

    /// Parses the URL; throws ``PostgresStore/InvalidURL`` naming what is wrong (never the password).
    init(_ text: String) throws(PostgresStore.InvalidURL) {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme.lowercased())
        else { throw PostgresStore.InvalidURL(reason: Self.expectedForm) }
        // With an `@` in the text but no user parsed, a raw `/`, `?` or `#` in the password
        // ended the user information early: the password became the port, path or query.
        guard components.user?.isEmpty == false || !text.contains("@") else {
            throw PostgresStore.InvalidURL(reason: Self.expectedForm)
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresStore.InvalidURL(reason: "the URL names no host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw PostgresStore.InvalidURL(reason: "the URL names no user")
        }
        let trimmedHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.host = trimmedHost
        self.port = components.port ?? 5432
        self.username = user
        self.password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? nil : path
        let isLoopback = ["127.0.0.1", "::1", "localhost"].contains(trimmedHost.lowercased())
        var sslMode: SSLMode = isLoopback ? .disable : .prefer
        for item in components.queryItems ?? [] where item.name == "sslmode" {
            guard let value = item.value, let mode = SSLMode(rawValue: value) else {
                throw PostgresStore.InvalidURL(reason: "sslmode must be disable, prefer, require or verify-full")
            }
            sslMode = mode
        }
        self.sslMode = sslMode
    }

    /// The client configuration for these settings.
    var configuration: PostgresClient.Configuration {
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        let tls: PostgresClient.Configuration.TLS =
            switch sslMode {
            case .disable: .disable
            case .prefer: .prefer(unverified)
            case .require: .require(unverified)
            case .verifyFull: .require(.makeClientConfiguration())
            }
        return PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls
        )
    }

    /// The configuration of a single connection outside the pool (the store's listener), with
    /// the same TLS rules as ``configuration``.
    func connectionConfiguration(connectTimeout: Duration) throws -> PostgresConnection.Configuration {
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        let tls: PostgresConnection.Configuration.TLS =
            switch sslMode {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: unverified))
            case .require: .require(try NIOSSLContext(configuration: unverified))
            case .verifyFull: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .nanoseconds(
            connectTimeout.components.seconds * 1_000_000_000 + connectTimeout.components.attoseconds / 1_000_000_000)
        return configuration
    }
}

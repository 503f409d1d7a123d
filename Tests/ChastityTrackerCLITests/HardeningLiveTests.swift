import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a hostile or broken client meets at the socket of a real `serve` process: connections
/// that go quiet or trickle are closed, broken framing is a 4xx (never a 5xx, never logged as a
/// server error), oversized heads get their envelopes, and TLS below 1.2 or without a
/// forward-secret AEAD suite is refused.
@Suite("serve, hardened transport end to end")
struct HardeningLiveTests {
    /// Bound within which a connection must be closed by a server with a 0.5 s timeout: the
    /// timeout plus generous slack for a loaded machine.
    static let closeBound = Duration.seconds(4)

    /// A sandbox with a write token and a running plain-HTTP server with `arguments`.
    static func startServer(_ arguments: [String]) async throws -> (sandbox: CLISandbox, server: ServerProcess, write: String) {
        let (sandbox, write, _) = try await ServeTests.sandboxWithTokens()
        let server = try ServerProcess(databasePath: sandbox.databasePath, in: sandbox.directory, extraArguments: arguments)
        try await server.waitUntilHealthy()
        return (sandbox, server, write)
    }

    /// The server's log lines at level error or critical (text format: `time level label: …`).
    static func errorLines(_ log: String) -> [Substring] {
        log.split(separator: "\n").filter { line in
            let fields = line.split(separator: " ", maxSplits: 2)
            return fields.count > 1 && (fields[1] == "error" || fields[1] == "critical")
        }
    }

    // MARK: Item 5: TLS versions and cipher suites

    @Test("TLS 1.0, TLS 1.1 and TLS 1.2 without a forward-secret AEAD suite are refused; TLS 1.2 with ECDHE and AES-GCM and TLS 1.3 are accepted")
    func tlsVersionsAndSuites() async throws {
        let (sandbox, _, _) = try await ServeTests.sandboxWithTokens()
        defer { sandbox.removeAll() }
        let (certificate, key) = try await TransportLiveTests.makeCertificate(in: sandbox.directory)
        let server = try ServerProcess(
            databasePath: sandbox.databasePath, in: sandbox.directory, extraArguments: ["--tls-cert", certificate, "--tls-key", key]
        )
        try await TLSProbe.waitUntilHealthy(server, certificate: certificate, in: sandbox.directory)

        for (options, accepted) in [
            (["-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"], nil),
            (["-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"], nil),
            (["-tls1_2", "-cipher", "ECDHE-RSA-AES256-SHA"], nil),
            (["-tls1_2", "-cipher", "AES128-SHA"], nil),
            (["-tls1_2", "-cipher", "AES128-GCM-SHA256"], nil),
            (["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"], "TLSv1.2"),
            (["-tls1_2", "-cipher", "ECDHE-RSA-CHACHA20-POLY1305"], "TLSv1.2"),
            (["-tls1_3"], "TLSv1.3"),
        ] as [([String], String?)] {
            let result = try await TLSProbe.handshake(port: server.port, certificate: certificate, options: options, in: sandbox.directory)
            if let version = accepted {
                #expect(result.status == 0, "\(options) was refused: \(result.stderr)")
                #expect(result.stderr.contains("CONNECTION ESTABLISHED\nProtocol version: \(version)\n"), "\(options): \(result.stderr)")
                #expect(result.stderr.contains("Verification: OK"), "\(options): \(result.stderr)")
            } else {
                #expect(result.status != 0, "\(options) was accepted: \(result.stderr)")
                #expect(!result.stderr.contains("CONNECTION ESTABLISHED"), "\(options) was accepted: \(result.stderr)")
            }
        }
        _ = try await server.stop()
    }
}

/// TLS checks through the system's openssl and curl.
enum TLSProbe {
    /// Polls `/healthz` over TLS until it answers 200; throws when the server exits or 60 s pass.
    static func waitUntilHealthy(_ server: ServerProcess, certificate: String, in directory: URL) async throws {
        let deadline = Date().addingTimeInterval(60)
        while true {
            guard server.process.isRunning else { throw ServerFailure("serve exited early: \(server.stderr)") }
            let probe = try await TransportLiveTests.curl(
                ["-sS", "--max-time", "10", "--cacert", certificate, "-o", "/dev/null", "-w", "%{http_code}", "https://localhost:\(server.port)/healthz"],
                in: directory
            )
            if probe.status == 0, probe.stdout == "200" { return }
            guard Date() < deadline else { throw ServerFailure("serve did not become healthy over TLS: \(server.stderr)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// One `openssl s_client` handshake with `options`, sending nothing; its exit status and
    /// output (with `-brief`, the handshake's outcome is on stderr).
    static func handshake(port: Int, certificate: String, options: [String], in directory: URL) async throws -> CLIResult {
        try await CLISandbox.run(
            ["s_client", "-connect", "127.0.0.1:\(port)", "-servername", "localhost", "-CAfile", certificate, "-brief"] + options,
            executable: URL(fileURLWithPath: "/usr/bin/openssl"), in: directory
        )
    }
}

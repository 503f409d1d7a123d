import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// docs/CONTRACT.md section 10 against a real `serve` process: TLS with HTTP/2 and HTTP/1.1, the refused
/// plain-HTTP bind beyond loopback, and graceful shutdown under load.
@Suite("serve, transport end to end")
struct TransportLiveTests {
    static let curl = URL(fileURLWithPath: "/usr/bin/curl")

    /// Runs curl with `arguments`; its exit status, stdout and stderr.
    static func curl(_ arguments: [String], in directory: URL) async throws -> CLIResult {
        try await CLISandbox.run(arguments, executable: curl, in: directory)
    }

    /// A self-signed certificate for localhost and 127.0.0.1, and its key, in `directory`.
    static func makeCertificate(in directory: URL) async throws -> (certificate: String, key: String) {
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let result = try await CLISandbox.run(
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ],
            executable: URL(fileURLWithPath: "/usr/bin/openssl"), in: directory
        )
        try #require(result.status == 0, "openssl: \(result.stderr)")
        return (certificate, key)
    }

    @Test("with --tls-cert and --tls-key, serve speaks HTTP/2 and HTTP/1.1 over TLS with HSTS, and refuses plain HTTP")
    func tls() async throws {
        let (sandbox, write, _) = try await ServeTests.sandboxWithTokens()
        defer { sandbox.removeAll() }
        let (certificate, key) = try await Self.makeCertificate(in: sandbox.directory)
        let server = try ServerProcess(
            databasePath: sandbox.databasePath, in: sandbox.directory, extraArguments: ["--tls-cert", certificate, "--tls-key", key]
        )
        let base = "https://localhost:\(server.port)"
        let common = ["-sS", "--max-time", "10", "--cacert", certificate, "-D", "-", "-o", "/dev/null"]

        // Up when /healthz answers over TLS.
        let deadline = Date().addingTimeInterval(60)
        while true {
            guard server.process.isRunning else { throw ServerFailure("serve exited early: \(server.stderr)") }
            let probe = try await Self.curl(common + ["-w", "%{http_code}", "\(base)/healthz"], in: sandbox.directory)
            if probe.status == 0, probe.stdout.hasSuffix("200") { break }
            guard Date() < deadline else { throw ServerFailure("serve did not become healthy over TLS: \(server.stderr)") }
            try await Task.sleep(for: .milliseconds(100))
        }

        let http2 = try await Self.curl(common + ["--http2", "-w", "|%{http_version} %{http_code}", "\(base)/healthz"], in: sandbox.directory)
        #expect(http2.status == 0, "\(http2.stderr)")
        #expect(http2.stdout.hasSuffix("|2 200"), "\(http2.stdout)")
        #expect(http2.stdout.lowercased().contains("strict-transport-security: max-age=31536000\r\n"), "\(http2.stdout)")

        let http11 = try await Self.curl(common + ["--http1.1", "-w", "|%{http_version} %{http_code}", "\(base)/healthz"], in: sandbox.directory)
        #expect(http11.status == 0, "\(http11.stderr)")
        #expect(http11.stdout.hasSuffix("|1.1 200"), "\(http11.stdout)")
        #expect(http11.stdout.lowercased().contains("strict-transport-security: max-age=31536000\r\n"), "\(http11.stdout)")

        // The API works over HTTP/2, with the token in a header.
        let post = try await Self.curl(
            common + [
                "--http2", "-w", "|%{http_version} %{http_code}", "-H", "Authorization: Bearer \(write)",
                "-H", "Content-Type: application/json", "--data-binary", #"{"date":"2025-11-28","mode":"full"}"#, "\(base)/api/v2/orgasms.php",
            ],
            in: sandbox.directory
        )
        #expect(post.stdout.hasSuffix("|2 201"), "\(post.stdout) \(post.stderr)")
        let get = try await Self.curl(
            common + ["--http2", "-w", "|%{http_version} %{http_code}", "-H", "Authorization: Bearer \(write)", "\(base)/api/v2/orgasms.php?id=1"],
            in: sandbox.directory
        )
        #expect(get.stdout.hasSuffix("|2 200"), "\(get.stdout) \(get.stderr)")
        #expect(get.stdout.lowercased().contains("etag: \""))

        // Plain HTTP to the TLS port gets no HTTP answer at all.
        let plain = try await Self.curl(
            ["-sS", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(server.port)/healthz"], in: sandbox.directory
        )
        #expect(plain.status != 0)
        #expect(plain.stdout == "000")

        let stopped = try await server.stop(signal: SIGTERM)
        #expect(stopped.reason == .exit)
        #expect(stopped.status == 0)
    }

    @Test("serve refuses a TLS key or certificate it cannot read with a one-line error", arguments: [true, false])
    func unreadableTLSFiles(brokenCertificate: Bool) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let (certificate, key) = try await Self.makeCertificate(in: sandbox.directory)
        let missing = sandbox.directory.appendingPathComponent("missing.pem").path
        let result = try await sandbox.run([
            "serve", "--port", "0", "--tls-cert", brokenCertificate ? missing : certificate, "--tls-key", brokenCertificate ? key : missing,
        ])
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(missing))
    }

    @Test("serve --host 0.0.0.0 without TLS or --behind-proxy exits non-zero with a one-line explanation", arguments: ["0.0.0.0", "192.0.2.1"])
    func refusesPlainHTTPBeyondLoopback(host: String) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let result = try await sandbox.run(["serve", "--host", host, "--port", "0"])
        #expect(result.status != 0)
        #expect(result.stdout == "")
        #expect(result.stderr.hasSuffix("\n"))
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(host))
        #expect(result.stderr.contains("--tls-cert"))
        #expect(result.stderr.contains("--behind-proxy"))
        // The same through the environment.
        let environment = try await CLISandbox.run(
            ["serve", "--port", "0", "--database", sandbox.databasePath], environment: ["CT_HOST": host], in: sandbox.directory
        )
        #expect(environment.status != 0)
        #expect(environment.stderr.split(separator: "\n").count == 1, "\(environment.stderr)")
    }

    @Test(
        "serve refuses other bad configuration with a one-line error, not a usage dump",
        arguments: [
            (["--port", "0", "--tls-cert", "cert.pem"], [String: String](), "--tls-cert and --tls-key go together"),
            ([], ["CT_PORT": "70000"], "--port must be 0 to 65535, not '70000'"),
            (["--port", "0"], ["CT_RATE_LIMIT": "-1"], "--rate-limit must be 0 or more requests per minute, not '-1'"),
            (["--port", "0", "--log-format", "xml"], [:], "--log-format must be text or json"),
            (["--port", "0"], ["CT_EARLIEST_DATE": "2026-02-30"], "--earliest-date must be a real date written YYYY-MM-DD, not '2026-02-30'"),
        ])
    func refusedConfigurationIsOneLine(arguments: [String], environment: [String: String], message: String) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        // Under timeout(1), so a configuration wrongly accepted fails the test instead of serving forever.
        let result = try await CLISandbox.run(
            ["20", try CLISandbox.executableURL().path, "serve", "--database", sandbox.databasePath] + arguments,
            environment: environment, executable: URL(fileURLWithPath: "/usr/bin/timeout"), in: sandbox.directory
        )
        #expect(result.status != 0)
        #expect(result.status != 124, "serve started instead of refusing")
        #expect(result.stderr == "Error: \(message)\n")
    }

    @Test("serve --host 0.0.0.0 --behind-proxy starts and refuses X-Forwarded-Proto: http with 403 https_required")
    func behindProxyBindsBeyondLoopback() async throws {
        let (sandbox, write, _) = try await ServeTests.sandboxWithTokens()
        defer { sandbox.removeAll() }
        let server = try ServerProcess(
            databasePath: sandbox.databasePath, in: sandbox.directory, extraArguments: ["--host", "0.0.0.0", "--behind-proxy"]
        )
        try await server.waitUntilHealthy()
        let refused = try await Self.curl(
            [
                "-sS", "--max-time", "10", "-D", "-", "-H", "X-Forwarded-Proto: http", "-H", "Authorization: Bearer \(write)",
                "\(server.baseURL)/api/v2/orgasms.php",
            ],
            in: sandbox.directory
        )
        #expect(refused.stdout.hasPrefix("HTTP/1.1 403 Forbidden\r\n"), "\(refused.stdout)")
        #expect(refused.stdout.contains(#""code":"https_required""#))
        #expect(!refused.stdout.lowercased().contains("\r\nlocation:"))
        #expect(refused.stdout.lowercased().contains("strict-transport-security: max-age=31536000\r\n"))
        let stopped = try await server.stop(signal: SIGTERM)
        #expect(stopped.status == 0)
    }

    @Test("SIGTERM during a burst of writes: serve exits 0 and every write answered 201 is stored, all or nothing")
    func gracefulShutdownUnderLoad() async throws {
        let (sandbox, write, _) = try await ServeTests.sandboxWithTokens()
        defer { sandbox.removeAll() }
        let server = try ServerProcess(databasePath: sandbox.databasePath, in: sandbox.directory, extraArguments: ["--rate-limit", "0"])
        try await server.waitUntilHealthy()

        // 300 POSTs of 20 records each, 16 at a time, from one curl.
        let requests = 300
        let perRequest = 20
        let url = "\(server.baseURL)/api/v2/orgasms.php"
        let codesPath = sandbox.directory.appendingPathComponent("codes.txt").path
        let curlErrors = sandbox.directory.appendingPathComponent("curl.err").path
        let burst = try ChildProcess(
            executable: "/usr/bin/curl",
            arguments: [
                "-s", "--parallel", "--parallel-max", "16", "--max-time", "30", "-w", "%{http_code}\n",
                "-H", "Authorization: Bearer \(write)", "-H", "Content-Type: application/json",
                "--data-binary", #"{"date":"2025-11-28","mode":"full","type":"burst","number":\#(perRequest)}"#,
            ] + (1...requests).flatMap { _ in ["-o", "/dev/null", url] },
            environment: CLISandbox.baseEnvironment(), directory: sandbox.directory.path, stdout: codesPath, stderr: curlErrors
        )

        // SIGTERM once the server has answered some of the writes, while curl is still sending.
        let deadline = Date().addingTimeInterval(60)
        while server.stderr.components(separatedBy: "status=201").count - 1 < 10 {
            guard Date() < deadline, burst.isRunning else { throw ServerFailure("the burst did not get going: \(server.stderr)") }
            try await Task.sleep(for: .milliseconds(5))
        }
        let stopped = try await server.stop(signal: SIGTERM)
        try await burst.waitForExit()
        #expect(stopped.reason == .exit)
        #expect(stopped.status == 0, "\(server.stderr.suffix(2000))")

        let codes = try String(contentsOfFile: codesPath, encoding: .utf8).split(separator: "\n")
        #expect(codes.count == requests)
        let created = codes.filter { $0 == "201" }.count
        // Anything else is a refused or cut connection (000), never an error answer.
        #expect(codes.allSatisfy { $0 == "201" || $0 == "000" }, "\(Set(codes))")
        #expect(created >= 10)
        #expect(created < requests, "SIGTERM came after the burst had ended; nothing was tested")

        let export = try await sandbox.run(["export", "alice", "--format", "csv"])
        #expect(export.status == 0)
        let stored = export.stdout.split(separator: "\n").dropFirst()
        #expect(stored.count == created * perRequest, "\(created) answers 201 but \(stored.count) records stored")
        #expect(stored.allSatisfy { $0.contains(",burst,") })
    }
}

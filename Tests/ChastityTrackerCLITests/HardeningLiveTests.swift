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

    // MARK: Item 1: connection timeouts

    @Test("--idle-timeout closes a connection that sends nothing, half a request line, a head trickled byte by byte, or a body that stalls")
    func quietAndTricklingConnectionsAreClosed() async throws {
        let (sandbox, server, write) = try await Self.startServer(["--idle-timeout", "0.5"])
        defer { sandbox.removeAll() }

        let silent = try RawConnection(port: server.port)
        let halfLine = try RawConnection(port: server.port)
        halfLine.send("GET /healthz HT")
        let stalledBody = try RawConnection(port: server.port)
        stalledBody.send(
            "POST /api/v2/orgasms.php HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(write)\r\n"
                + "Content-Type: application/json\r\nContent-Length: 40\r\n\r\n{\"date\":"
        )
        // One byte every 0.2 s: each byte comes well within the timeout, but the head never
        // completes within it, so the head as a whole is bounded, not the gap between bytes.
        let trickled = try RawConnection(port: server.port)
        let head = Array("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: \(String(repeating: "a", count: 40))\r\n\r\n".utf8)
        let start = ContinuousClock.now
        var trickleClosed = false
        for byte in head {
            guard trickled.send([byte]) else {
                trickleClosed = true
                break
            }
            trickled.drain()
            if trickled.closedByServer {
                trickleClosed = true
                break
            }
            guard ContinuousClock.now - start < Self.closeBound else { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        if !trickleClosed { trickleClosed = try await trickled.waitForClose(within: .milliseconds(100)) }
        #expect(trickleClosed, "a head trickled for \(ContinuousClock.now - start) was not closed")
        #expect(trickled.received.isEmpty, "the trickled head got an answer: \(String(decoding: trickled.received, as: UTF8.self))")

        #expect(try await silent.waitForClose(within: Self.closeBound), "a silent connection was kept open")
        #expect(try await halfLine.waitForClose(within: Self.closeBound), "half a request line was kept open")
        #expect(try await stalledBody.waitForClose(within: Self.closeBound), "a stalled body was kept open")
        #expect(Self.errorLines(server.stderr).isEmpty, "\(Self.errorLines(server.stderr))")
        _ = try await server.stop()
    }

    @Test("--idle-timeout does not close a connection that keeps sending: keep-alive requests and a body in slow chunks, each within the timeout")
    func activeConnectionsStayOpen() async throws {
        // A 3 s timeout and a piece every 0.25 s: 3.5 s in all, past the timeout, with 2.75 s of
        // slack per pause for a loaded machine (this test failed twice under CI's load with less).
        let (sandbox, server, write) = try await Self.startServer(["--idle-timeout", "3"])
        defer { sandbox.removeAll() }

        // Fourteen requests 0.25 s apart on one connection, and a chunked body in fourteen pieces
        // 0.25 s apart, each from a thread of its own so that the pauses are what they say. An
        // answer may be slow on a loaded machine (30 s); what must not happen is a close.
        let pieces = 14
        let pause: useconds_t = 250_000
        let keepAlive = try RawConnection(port: server.port)
        let slowBody = try RawConnection(port: server.port)
        async let statuses = RawConnection.onOwnThread { () -> [String] in
            (0..<pieces).map { index in
                if index > 0 { usleep(pause) }
                keepAlive.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
                let response = keepAlive.blockingResponse(within: .seconds(30))
                keepAlive.discardReceived()
                return response.map { String($0.status) } ?? (keepAlive.closedByServer ? "closed" : "no answer")
            }
        }
        async let created = RawConnection.onOwnThread { () -> (RawResponse?, closed: Bool) in
            slowBody.send(
                "POST /api/v2/orgasms.php HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(write)\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            )
            let body = Array(#"{"date":"2025-11-28","mode":"full","type":"slow"}"#.utf8)
            // The body in `pieces - 1` chunks; the last pause comes before the terminating chunk.
            for part in 0..<(pieces - 1) {
                usleep(pause)
                let piece = body[part * body.count / (pieces - 1)..<(part + 1) * body.count / (pieces - 1)]
                slowBody.send(String(piece.count, radix: 16) + "\r\n" + String(decoding: piece, as: UTF8.self) + "\r\n")
            }
            usleep(pause)
            slowBody.send("0\r\n\r\n")
            let response = slowBody.blockingResponse(within: .seconds(30))
            return (response, slowBody.closedByServer)
        }
        let answered = await statuses
        #expect(answered == Array(repeating: "200", count: pieces), "keep-alive requests answered \(answered)")
        let (response, closed) = await created
        let answer = try #require(response, closed ? "the slow body's connection was closed" : "the slow body got no answer in 30 s")
        #expect(answer.status == 201, "\(answer.head) \(answer.body)")
        _ = try await server.stop()
    }

    @Test("--tls-handshake-timeout closes a TLS connection that never sends a ClientHello or stops mid-handshake; a completed handshake is not cut")
    func tlsHandshakesAreBounded() async throws {
        let (sandbox, _, _) = try await ServeTests.sandboxWithTokens()
        defer { sandbox.removeAll() }
        let (certificate, key) = try await TransportLiveTests.makeCertificate(in: sandbox.directory)
        let server = try ServerProcess(
            databasePath: sandbox.databasePath, in: sandbox.directory,
            extraArguments: ["--tls-cert", certificate, "--tls-key", key, "--tls-handshake-timeout", "0.5", "--idle-timeout", "10"]
        )
        try await TLSProbe.waitUntilHealthy(server, certificate: certificate, in: sandbox.directory)

        let silent = try RawConnection(port: server.port)
        // The first bytes of a TLS record carrying a ClientHello, and then nothing.
        let partial = try RawConnection(port: server.port)
        partial.send([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03])
        #expect(try await silent.waitForClose(within: Self.closeBound), "a TLS connection without a ClientHello was kept open")
        #expect(try await partial.waitForClose(within: Self.closeBound), "a TLS connection stopped mid-handshake was kept open")

        // Handshake done, then a request 1.5 s later: the handshake bound no longer applies.
        // (The idle timeout is 10 s here.)
        let late = try await CLISandbox.run(
            [
                "-c",
                #"(sleep 1.5; printf 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'; sleep 1) | "#
                    + "openssl s_client -connect 127.0.0.1:\(server.port) -quiet -alpn http/1.1 -CAfile '\(certificate)'",
            ],
            executable: URL(fileURLWithPath: "/bin/sh"), in: sandbox.directory
        )
        #expect(late.stdout.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(late.stdout) \(late.stderr)")
        _ = try await server.stop()
    }

    @Test(
        "--idle-timeout closes a TLS connection that negotiated HTTP/1.1 or HTTP/2 and then sends nothing, not even the PING answer HTTP/2 asks for",
        arguments: ["http/1.1", "h2"])
    func silentTLSConnectionsAreClosed(protocolName: String) async throws {
        let (sandbox, _, _) = try await ServeTests.sandboxWithTokens()
        defer { sandbox.removeAll() }
        let (certificate, key) = try await TransportLiveTests.makeCertificate(in: sandbox.directory)
        let server = try ServerProcess(
            databasePath: sandbox.databasePath, in: sandbox.directory,
            extraArguments: ["--tls-cert", certificate, "--tls-key", key, "--idle-timeout", "0.5"]
        )
        try await TLSProbe.waitUntilHealthy(server, certificate: certificate, in: sandbox.directory)
        // s_client completes the handshake, then waits (-ign_eof: stdin's EOF does not end it)
        // until the server closes; timeout(1) ends it after 8 s if the server never does.
        let start = ContinuousClock.now
        let result = try await CLISandbox.run(
            [
                "8", "/usr/bin/openssl", "s_client", "-connect", "127.0.0.1:\(server.port)", "-servername", "localhost",
                "-CAfile", certificate, "-alpn", protocolName, "-ign_eof",
            ],
            executable: URL(fileURLWithPath: "/usr/bin/timeout"), in: sandbox.directory
        )
        #expect(result.stdout.contains("Verify return code: 0 (ok)"), "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("ALPN protocol: \(protocolName)\n"), "\(result.stdout)")
        #expect(result.status != 124, "the server kept a silent \(protocolName) connection open for \(ContinuousClock.now - start)")
        _ = try await server.stop()
    }

    @Test(
        "serve refuses a bad timeout with a one-line error",
        arguments: [
            (["--idle-timeout", "0"], [String: String](), "--idle-timeout must be a number of seconds from 0.001 to 3600, not '0'"),
            (["--idle-timeout", "abc"], [:], "--idle-timeout must be a number of seconds from 0.001 to 3600, not 'abc'"),
            ([], ["CT_IDLE_TIMEOUT": "-1"], "--idle-timeout must be a number of seconds from 0.001 to 3600, not '-1'"),
            ([], ["CT_TLS_HANDSHAKE_TIMEOUT": "3601"], "--tls-handshake-timeout must be a number of seconds from 0.001 to 3600, not '3601'"),
            (["--tls-handshake-timeout", "nan"], [:], "--tls-handshake-timeout must be a number of seconds from 0.001 to 3600, not 'nan'"),
        ])
    func badTimeoutsAreRefused(arguments: [String], environment: [String: String], message: String) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        // Under timeout(1), so a value wrongly accepted fails the test instead of serving forever.
        let result = try await CLISandbox.run(
            ["20", try CLISandbox.executableURL().path, "serve", "--database", sandbox.databasePath, "--port", "0"] + arguments,
            environment: environment, executable: URL(fileURLWithPath: "/usr/bin/timeout"), in: sandbox.directory
        )
        #expect(result.status != 0)
        #expect(result.status != 124, "serve started instead of refusing")
        #expect(result.stderr == "Error: \(message)\n")
    }

    // MARK: Item 2: malformed framing and oversized heads

    /// Each body case: what follows the head of a chunked (or Content-Length) POST, and whether
    /// the client then ends its sending.
    static let brokenBodies: [(name: String, framing: String, body: String, endsSending: Bool)] = [
        ("chunk size not hex", "Transfer-Encoding: chunked", "zz\r\n{}\r\n0\r\n\r\n", false),
        ("negative chunk size", "Transfer-Encoding: chunked", "-2\r\n{}\r\n0\r\n\r\n", false),
        ("0x-prefixed chunk size", "Transfer-Encoding: chunked", "0x2\r\n{}\r\n0\r\n\r\n", false),
        ("20-digit chunk size", "Transfer-Encoding: chunked", "10000000000000000000\r\n{}\r\n0\r\n\r\n", false),
        ("chunk size shorter than its data", "Transfer-Encoding: chunked", "1\r\n{}\r\n0\r\n\r\n", false),
        ("chunk size longer than its data, then EOF", "Transfer-Encoding: chunked", "40\r\n{}\r\n0\r\n\r\n", true),
        ("no final chunk before EOF", "Transfer-Encoding: chunked", "2\r\n{}\r\n", true),
        ("body shorter than Content-Length before EOF", "Content-Length: 30", "{}", true),
    ]

    @Test("broken request framing answers 400 invalid_json with Connection: close, never 5xx, and is not logged as an error")
    func brokenFramingIsAClientError() async throws {
        let (sandbox, server, write) = try await Self.startServer([])
        defer { sandbox.removeAll() }
        for broken in Self.brokenBodies {
            let connection = try RawConnection(port: server.port)
            connection.send(
                "POST /api/v2/orgasms.php HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(write)\r\n"
                    + "Content-Type: application/json\r\n\(broken.framing)\r\n\r\n\(broken.body)"
            )
            if broken.endsSending { connection.shutdownWrite() }
            let response = try #require(try await connection.response(within: .seconds(5)), "\(broken.name): no answer")
            #expect(response.status == 400, "\(broken.name): \(response.head) \(response.body)")
            #expect(response.errorCode == "invalid_json", "\(broken.name): \(response.body)")
            #expect(response.head.lowercased().contains("\r\nconnection: close"), "\(broken.name): \(response.head)")
            // The server ends the connection, with nothing after the answer (no second, bare
            // answer to the same request).
            #expect(try await connection.waitForClose(within: .seconds(2)), "\(broken.name): connection kept open")
            #expect(
                connection.received.count == RawResponse(parsing: connection.received).map { connection.received.count - $0.rest.count },
                "\(broken.name): more than one answer: \(String(decoding: connection.received, as: UTF8.self))")
        }
        let stderr = server.stderr
        #expect(Self.errorLines(stderr).isEmpty, "\(Self.errorLines(stderr))")
        #expect(!stderr.contains("status=500"))
        _ = try await server.stop()
    }

    @Test(
        "a malformed Content-Length is refused by the HTTP parser with a bare 400, never a 5xx",
        arguments: [
            "Content-Length: abc", "Content-Length: -1", "Content-Length: 2\r\nContent-Length: 3", "Content-Length: 99999999999999999999999",
        ])
    func malformedContentLengthIsABare400(header: String) async throws {
        let (sandbox, server, write) = try await Self.startServer([])
        defer { sandbox.removeAll() }
        let connection = try RawConnection(port: server.port)
        connection.send(
            "POST /api/v2/orgasms.php HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(write)\r\n"
                + "Content-Type: application/json\r\n\(header)\r\n\r\n{}"
        )
        let response = try #require(try await connection.response(within: .seconds(5)), "\(header): no answer")
        #expect(response.status == 400, "\(header): \(response.head)")
        #expect(response.body.isEmpty)
        #expect(try await connection.waitForClose(within: .seconds(2)), "\(header): connection kept open")
        #expect(Self.errorLines(server.stderr).isEmpty, "\(Self.errorLines(server.stderr))")
        _ = try await server.stop()
    }

    @Test("a request target over 8 KiB answers 414 uri_too_long and header fields over 16 KiB answer 431 headers_too_large, enveloped")
    func oversizedHeadsGetTheirEnvelopes() async throws {
        let (sandbox, server, write) = try await Self.startServer([])
        defer { sandbox.removeAll() }
        let longTarget = "/api/v2/orgasms.php?type=" + String(repeating: "a", count: 8_192)
        let uri = try await HTTP.request("GET", server.baseURL + longTarget, token: write, in: sandbox.directory)
        #expect(uri.status == 414, "\(uri.headers) \(uri.body)")
        #expect(try uri.json()["ok"] as? Bool == false)
        #expect((try uri.json()["error"] as? [String: Any])?["code"] as? String == "uri_too_long")

        // 8,192 bytes of target are still fine.
        let fitting = "/api/v2/orgasms.php?type=" + String(repeating: "a", count: 8_192 - "/api/v2/orgasms.php?type=".utf8.count)
        let fits = try await HTTP.request("GET", server.baseURL + fitting, token: write, in: sandbox.directory)
        #expect(fits.status == 200, "\(fits.body)")

        let bigHeaders = (0..<4).map { "X-Filler-\($0): \(String(repeating: "b", count: 4_096))" }
        let headers = try await HTTP.request("GET", server.baseURL + "/api/v2/orgasms.php", token: write, headers: bigHeaders, in: sandbox.directory)
        #expect(headers.status == 431, "\(headers.headers) \(headers.body)")
        #expect((try headers.json()["error"] as? [String: Any])?["code"] as? String == "headers_too_large")
        #expect(headers.headers.lowercased().contains("x-request-id: "))

        // Over the parser's own limit, the parser refuses: still a 4xx, never a 5xx.
        let huge = "/healthz?x=" + String(repeating: "c", count: 70_000)
        let refused = try await HTTP.request("GET", server.baseURL + huge, in: sandbox.directory)
        #expect(refused.status == 400)
        _ = try await server.stop()
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
                [
                    "-sS", "--max-time", "10", "--cacert", certificate, "-o", "/dev/null", "-w", "%{http_code}",
                    "https://localhost:\(server.port)/healthz",
                ],
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

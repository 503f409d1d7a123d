import ChastityTrackerTestSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `chastity-tracker serve` running as a child process on a free loopback port.
final class ServerProcess: @unchecked Sendable {
    let process: ChildProcess
    let port: Int
    let stderrURL: URL
    let stdoutURL: URL

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts `serve --database <path> --port <port>` (a free one unless given: an OAuth issuer
    /// names it ahead); call `waitUntilHealthy()` next.
    /// `executable` is the command as a shell would be given it (a bare name is looked up on
    /// `environment`'s PATH, a relative path from `directory`); the built binary by default.
    init(
        databasePath: String, in directory: URL, port: Int? = nil, extraArguments: [String] = [], executable: String? = nil,
        environment: [String: String] = CLISandbox.baseEnvironment()
    ) throws {
        self.port = try port ?? ServerProcess.freePort()
        let id = UUID().uuidString
        stdoutURL = directory.appendingPathComponent("serve-\(id).out")
        stderrURL = directory.appendingPathComponent("serve-\(id).err")
        process = try ChildProcess(
            executable: try executable ?? CLISandbox.executableURL().path,
            arguments: ["serve", "--database", databasePath, "--port", String(self.port)] + extraArguments,
            environment: environment, directory: directory.path,
            stdout: stdoutURL.path, stderr: stderrURL.path
        )
    }

    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }

    /// Polls `/healthz` until it answers 200; throws when the server exits or 60 s pass.
    func waitUntilHealthy() async throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            guard process.isRunning else { throw ServerFailure("serve exited early: \(stderr)") }
            if let response = try? await HTTP.request("GET", "\(baseURL)/healthz", in: stderrURL.deletingLastPathComponent()),
                response.status == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServerFailure("serve did not become healthy: \(stderr)")
    }

    /// Sends `signal` and waits up to `timeout` seconds for the process to end; its termination status.
    func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 20) async throws -> (reason: ChildProcess.Termination, status: Int32) {
        kill(process.pid, signal)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            guard Date() < deadline else {
                kill(process.pid, SIGKILL)
                throw ServerFailure("serve did not exit within \(timeout) s of signal \(signal)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.termination
    }

    /// A port nobody listens on right now, below Linux's ephemeral range (32768–60999). A port
    /// from that range (bind to port 0) could be taken by any outgoing connection of the suite,
    /// a PostgreSQL client's for instance, between this check and the server's bind: that made
    /// `serve` fail with "Address already in use" once under load.
    static func freePort() throws -> Int {
        guard let port = try FreePort.loopback() else { throw ServerFailure("no free port in 20000–32767 after 100 tries") }
        return port
    }
}

struct ServerFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// HTTP requests through the system's curl, so the server is exercised by a real client.
enum HTTP {
    struct Response: Sendable {
        var status: Int
        var headers: String
        var body: String

        /// The body parsed as a JSON object.
        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
                throw ServerFailure("not a JSON object: \(body)")
            }
            return object
        }
    }

    static func request(
        _ method: String, _ url: String, token: String? = nil, json: String? = nil, headers: [String] = [], body: String? = nil,
        timeout: Int = 10, in directory: URL
    ) async throws -> Response {
        let headersPath = directory.appendingPathComponent("curl-\(UUID().uuidString).headers").path
        defer { try? FileManager.default.removeItem(atPath: headersPath) }
        var arguments = ["-sS", "--max-time", String(timeout), "-X", method, "-D", headersPath, "-w", "\n%{http_code}"]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        if let json { arguments += ["-H", "Content-Type: application/json", "--data-binary", json] }
        for header in headers { arguments += ["-H", header] }
        if let body { arguments += ["--data-binary", body] }
        arguments.append(url)
        let result = try await CLISandbox.run(arguments, executable: URL(fileURLWithPath: "/usr/bin/curl"), in: directory)
        guard result.status == 0, let newline = result.stdout.lastIndex(of: "\n"),
            let status = Int(result.stdout[result.stdout.index(after: newline)...])
        else { throw ServerFailure("curl failed (\(result.status)): \(result.stderr)") }
        let headers = (try? String(contentsOfFile: headersPath, encoding: .utf8)) ?? ""
        return Response(status: status, headers: headers, body: String(result.stdout[..<newline]))
    }
}

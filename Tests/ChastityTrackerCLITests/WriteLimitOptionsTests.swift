import Foundation
import Testing

/// `serve --record-quota` and `--write-queue`, and `/readyz`, on a real server process.
@Suite("serve write limits")
struct WriteLimitOptionsTests {
    @Test(
        "a --record-quota or --write-queue that is not a number in range is a one-line error",
        arguments: [
            (["--record-quota=-1"], [String: String](), "Error: --record-quota must be 0 (no quota) or more records, not '-1'\n"),
            (["--record-quota", "many"], [:], "Error: --record-quota must be 0 (no quota) or more records, not 'many'\n"),
            ([], ["CT_RECORD_QUOTA": "1e5"], "Error: --record-quota must be 0 (no quota) or more records, not '1e5'\n"),
            (["--write-queue", "0"], [:], "Error: --write-queue must be a whole number of writes, 1 or more, not '0'\n"),
            ([], ["CT_WRITE_QUEUE": "lots"], "Error: --write-queue must be a whole number of writes, 1 or more, not 'lots'\n"),
        ])
    func invalidValues(arguments: [String], environment: [String: String], message: String) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let result = try await sandbox.run(["serve", "--port", "0"] + arguments, environment: environment)
        #expect(result.status != 0)
        #expect(result.stdout == "")
        #expect(result.stderr == message)
        #expect(!FileManager.default.fileExists(atPath: sandbox.databasePath))
    }

    @Test("serve --record-quota 2 refuses the third record with 403 quota_exceeded; /readyz answers 200")
    func quotaOnALiveServer() async throws {
        let (sandbox, write, _) = try await ServeTests.sandboxWithTokens()
        defer { sandbox.removeAll() }
        let server = try ServerProcess(
            databasePath: sandbox.databasePath, in: sandbox.directory, extraArguments: ["--record-quota", "2", "--write-queue", "5"]
        )
        try await server.waitUntilHealthy()
        let url = "\(server.baseURL)/api/v2/orgasms.php"
        #expect(try await HTTP.request("GET", "\(server.baseURL)/readyz", in: sandbox.directory).status == 200)
        let two = #"[{"date":"2025-11-27","mode":"full"},{"date":"2025-11-28","mode":"full"}]"#
        #expect(try await HTTP.request("POST", url, token: write, json: two, in: sandbox.directory).status == 201)
        let refused = try await HTTP.request("POST", url, token: write, json: #"{"date":"2025-11-29","mode":"full"}"#, in: sandbox.directory)
        #expect(refused.status == 403)
        let error = try #require(try refused.json()["error"] as? [String: Any])
        #expect(error["code"] as? String == "quota_exceeded")
        #expect((error["message"] as? String)?.contains("2") == true)
        let stopped = try await server.stop(signal: SIGTERM)
        #expect(stopped.reason == .exit && stopped.status == 0)
    }
}

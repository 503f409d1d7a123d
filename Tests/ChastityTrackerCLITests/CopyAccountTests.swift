import Foundation
import Testing

@Suite("copy and the account pages")
struct CopyAccountTests {
    @Test("copy carries the password hash (people keep signing in) but no session: a session of the source is refused by the copy")
    func copyCarriesPasswordNotSessions() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let target = sandbox.directory.appendingPathComponent("target.sqlite").path
        try #require(try await sandbox.run(["users", "add", "alice"]).status == 0)
        try #require(try await sandbox.run(["users", "add", "bob"]).status == 0)
        try #require(try await sandbox.run(["users", "set-password", "alice"], stdin: "correct horse battery\n").status == 0)

        let source = try ServerProcess(databasePath: sandbox.databasePath, in: sandbox.directory)
        try await source.waitUntilHealthy()
        let session = try #require(try await Self.signIn(source, "alice", "correct horse battery", in: sandbox.directory).session)
        let signedIn = try await SetPasswordCommandTests.curl(
            ["-H", "Cookie: __Host-ct_session=\(session)", "\(source.baseURL)/account/"], in: sandbox.directory)
        #expect(signedIn.status == 200)
        _ = try await source.stop()

        let copy = try await CLISandbox.run(["copy", "--from", sandbox.databasePath, "--to", target], in: sandbox.directory)
        #expect(copy.status == 0, "\(copy.stderr)")
        #expect(copy.stderr == "copied 2 users, 0 tokens, 0 records, 0 idempotency keys, 0 webhooks, 0 OAuth clients, 0 app grants\n")

        let copied = try ServerProcess(databasePath: target, in: sandbox.directory)
        try await copied.waitUntilHealthy()
        let refused = try await SetPasswordCommandTests.curl(
            ["-H", "Cookie: __Host-ct_session=\(session)", "\(copied.baseURL)/account/"], in: sandbox.directory)
        #expect(refused.status == 303)
        #expect(refused.headers.lowercased().contains("\r\nlocation: /account/sign-in\r\n"), "\(refused.headers)")
        let again = try await Self.signIn(copied, "alice", "correct horse battery", in: sandbox.directory)
        #expect(again.status == 303)
        #expect(again.session != nil)
        #expect(again.session != session)
        // bob had no password in the source and has none in the copy.
        #expect(try await Self.signIn(copied, "bob", "correct horse battery", in: sandbox.directory).status == 401)
        _ = try await copied.stop()
    }

    /// Signs in through the form with curl: the status and the session cookie set, if any.
    static func signIn(_ server: ServerProcess, _ name: String, _ password: String, in directory: URL) async throws -> (
        status: Int, session: String?
    ) {
        let form = try await SetPasswordCommandTests.curl(["\(server.baseURL)/account/sign-in"], in: directory)
        let preSession = try #require(SetPasswordCommandTests.cookie("__Host-ct_signin", in: form.headers))
        let response = try await SetPasswordCommandTests.curl(
            [
                "-H", "Cookie: __Host-ct_signin=\(preSession)", "-H", "Origin: \(server.baseURL)",
                "--data-urlencode", "csrf=\(preSession)", "--data-urlencode", "name=\(name)", "--data-urlencode", "password=\(password)",
                "\(server.baseURL)/account/sign-in",
            ], in: directory)
        return (response.status, SetPasswordCommandTests.cookie("__Host-ct_session", in: response.headers))
    }
}

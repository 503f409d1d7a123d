import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Foundation
import Testing

/// No secret reaches the log, at the most verbose level, in either format, on either backend
/// (issue 23, item 4): a whole session of `serve --log-level trace` (the API with every method, a
/// sign-in, tokens created and regenerated on the pages, a password change, an app connected by
/// OAuth, refreshed and revoked) and then every line it wrote is searched for every token, token
/// hash, password, session id, CSRF token, OAuth code and record content it saw, as text and as
/// hexadecimal bytes (PostgresNIO logs wire messages in hex at trace).
@Suite("secrets never in logs", .serialized)
struct SecretsInLogsTests {
    enum Backend: String, CaseIterable, Sendable {
        case sqlite, postgres
    }

    /// Each format and each backend once (a whole session is about ten seconds of a loaded CI
    /// machine's two cores): SQLite writing JSON lines, PostgreSQL writing text (the driver's wire
    /// log, the one leak found, does not depend on the format). Without PostgreSQL, SQLite in both.
    static var cases: [(Backend, String)] {
        LivePostgres.url == nil ? [(.sqlite, "json"), (.sqlite, "text")] : [(.sqlite, "json"), (.postgres, "text")]
    }

    @Test("a whole session at --log-level trace leaves no secret and no record content in the log", arguments: cases)
    func noSecretInTheLog(backend: Backend, format: String) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        if backend == .postgres {
            try await LivePostgres.withDatabase(in: sandbox.directory) { url, _ in
                try await session(database: url, format: format, sandbox: sandbox)
            }
        } else {
            try await session(database: sandbox.databasePath, format: format, sandbox: sandbox)
        }
    }

    private func session(database: String, format: String, sandbox: CLISandbox) async throws {
        var secrets: [String] = []
        func run(_ arguments: [String], stdin: String? = nil) async throws -> String {
            let result = try await CLISandbox.run(arguments + ["--database", database], stdin: stdin, in: sandbox.directory)
            try #require(result.status == 0, "\(arguments): \(result.stderr)")
            return result.stdout.trimmingCharacters(in: .newlines)
        }
        let password = "Pw-\(UUID().uuidString)"
        let newPassword = "Pw2-\(UUID().uuidString)"
        secrets += [password, newPassword]
        _ = try await run(["users", "add", "alice"])
        _ = try await run(["users", "set-password", "alice"], stdin: password + "\n")
        let writeToken = try await run(["tokens", "create", "alice", "--write", "--label", "app"])
        let readToken = try await run(["tokens", "create", "alice", "--label", "reader"])
        secrets += [writeToken, readToken]
        let clientID = try await run(["clients", "add", "Diary", "--redirect-uri", "http://127.0.0.1/callback"])

        let port = try #require(try FreePort.loopback())
        let base = "http://127.0.0.1:\(port)"
        let serve = try ServerProcess(
            databasePath: database, in: sandbox.directory, port: port,
            extraArguments: ["--log-level", "trace", "--log-format", format, "--public-url", base, "--rate-limit", "0"])
        try await serve.waitUntilHealthy()
        let directory = sandbox.directory

        // The API, every method, with record contents that must never be logged.
        let type = "Type-\(UUID().uuidString.prefix(8))"
        let grantedBy = "By-\(UUID().uuidString.prefix(8))"
        let newType = "Type2-\(UUID().uuidString.prefix(8))"
        secrets += [type, grantedBy, newType]
        let created = try await HTTP.request(
            "POST", "\(base)/api/v2/orgasms", token: writeToken,
            json: #"{"date":"2026-01-01","mode":"full","type":"\#(type)","grantedby":"\#(grantedBy)"}"#,
            timeout: 60, in: directory)
        #expect(created.status == 201)
        let id = try #require(((try created.json()["data"] as? [String: Any])?["items"] as? [[String: Any]])?.first?["id"] as? Int)
        #expect(try await HTTP.request("GET", "\(base)/api/v2/orgasms", token: readToken, timeout: 60, in: directory).status == 200)
        #expect(try await HTTP.request("GET", "\(base)/api/v2/orgasms?id=\(id)", token: readToken, timeout: 60, in: directory).status == 200)
        #expect(
            try await HTTP.request(
                "PATCH", "\(base)/api/v2/orgasms?id=\(id)", token: writeToken, json: #"{"type":"\#(newType)"}"#, timeout: 60, in: directory
            )
            .status == 200)
        #expect(try await HTTP.request("GET", "\(base)/api/v2/orgasms/changes", token: readToken, timeout: 60, in: directory).status == 200)
        #expect(try await HTTP.request("DELETE", "\(base)/api/v2/orgasms?id=\(id)", token: writeToken, timeout: 60, in: directory).status == 200)
        #expect(
            try await HTTP.request("GET", "\(base)/api/v2/orgasms", token: "ct_" + String(repeating: "x", count: 43), timeout: 60, in: directory)
                .status == 401)

        // The account pages: sign in, a token created and regenerated, the password changed.
        let page = Browser(base: base, directory: directory)
        try await page.get("/account/sign-in")
        let signInToken = try #require(page.cookies["__Host-ct_signin"])
        try await page.post("/account/sign-in", ["csrf": signInToken, "name": "alice", "password": password])
        let session = try #require(page.cookies["__Host-ct_session"])
        let device = try #require(page.cookies["__Host-ct_device"])
        secrets += [signInToken, session, device]
        let tokensPage = try await page.get("/account/tokens")
        let csrf = try #require(Browser.value(of: "csrf", in: tokensPage.body))
        secrets.append(csrf)
        let createdPage = try await page.post("/account/tokens", ["csrf": csrf, "label": "page", "permission": "read"])
        let pageToken = try #require(createdPage.body.firstMatch(of: /ct_[A-Za-z0-9_-]{43}/).map { String($0.output) })
        secrets.append(pageToken)
        let pageTokenID = try #require(Browser.value(of: "id", in: createdPage.body))
        let regenerated = try await page.post("/account/tokens/regenerate", ["csrf": csrf, "id": pageTokenID])
        let newSecret = try #require(regenerated.body.firstMatch(of: /ct_[A-Za-z0-9_-]{43}/).map { String($0.output) })
        secrets.append(newSecret)

        // An app connected by OAuth, refreshed, revoked.
        let verifier = String(repeating: "v", count: 20) + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        secrets.append(verifier)
        let query = [
            "response_type=code", "client_id=\(clientID)", "redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback", "scope=write", "state=st",
            "code_challenge=\(PKCE.challenge(for: verifier))", "code_challenge_method=S256",
        ].joined(separator: "&")
        let step = try await page.get("/oauth/authorize?\(query)")
        let request = try #require(step.body.firstMatch(of: /request=([A-Za-z0-9_-]{43})/).map { String($0.output.1) })
        secrets.append(request)
        let consent = try await page.get("/account/authorize?request=\(request)")
        let consentCSRF = try #require(Browser.value(of: "csrf", in: consent.body))
        let approved = try await page.post("/account/authorize", ["csrf": consentCSRF, "request": request, "decision": "approve"])
        let code = try #require(approved.headers.firstMatch(of: /code=([A-Za-z0-9_-]{43})/).map { String($0.output.1) })
        secrets.append(code)
        let exchanged = try await page.post(
            "/oauth/token",
            [
                "grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1:9/callback", "client_id": clientID,
                "code_verifier": verifier,
            ])
        let tokens = try exchanged.json()
        let access = try #require(tokens["access_token"] as? String)
        let refresh = try #require(tokens["refresh_token"] as? String)
        secrets += [access, refresh]
        #expect(try await HTTP.request("GET", "\(base)/api/v2/orgasms", token: access, timeout: 60, in: directory).status == 200)
        let refreshed = try await page.post("/oauth/token", ["grant_type": "refresh_token", "refresh_token": refresh, "client_id": clientID])
        let newRefresh = try #require(try refreshed.json()["refresh_token"] as? String)
        secrets.append(newRefresh)
        #expect(try await page.post("/oauth/revoke", ["token": newRefresh, "client_id": clientID]).status == 200)

        // Last, the password changed on the settings page.
        let settings = try await page.get("/account/settings")
        let settingsCSRF = try #require(Browser.value(of: "csrf", in: settings.body))
        let changed = try await page.post(
            "/account/settings/password", ["csrf": settingsCSRF, "current": password, "new": newPassword, "confirm": newPassword])
        #expect(changed.status < 400, "\(changed.status): \(changed.body)")

        let stopped = try await serve.stop()
        #expect(stopped.reason == .exit && stopped.status == 0)
        let log = serve.stdout + serve.stderr
        // The log is really at trace: the requests are there, by path.
        #expect(log.contains("/oauth/token") && log.contains("/account/tokens/regenerate"))
        let tokenLike = secrets.filter { $0.hasPrefix("ct_") || $0.hasPrefix("ctr_") }
        for secret in secrets + tokenLike.map(TokenSecret.hash(of:)) + [SessionSecret(plaintext: session).hash] {
            for form in Self.forms(of: secret) {
                #expect(!log.contains(form), "the log holds a secret (\(secret.prefix(6))…) as \(form.prefix(12))…")
            }
        }
    }

    /// `secret` as text, and its UTF-8 bytes as hexadecimal in the forms a wire dump writes them.
    static func forms(of secret: String) -> [String] {
        let bytes = Array(secret.utf8)
        let lower = bytes.map { String(format: "%02x", $0) }
        let upper = bytes.map { String(format: "%02X", $0) }
        return [secret, lower.joined(), upper.joined(), lower.joined(separator: " "), upper.joined(separator: " ")]
    }
}

/// A browser over curl for the account pages: keeps the cookies the server sets and sends them
/// back, and posts forms as a page of this site does.
private final class Browser: @unchecked Sendable {
    let base: String
    let directory: URL
    var cookies: [String: String] = [:]

    init(base: String, directory: URL) {
        self.base = base
        self.directory = directory
    }

    @discardableResult
    func get(_ path: String) async throws -> HTTP.Response {
        try await send("GET", path, body: nil)
    }

    @discardableResult
    func post(_ path: String, _ fields: [String: String]) async throws -> HTTP.Response {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.value)" }
            .joined(separator: "&")
        return try await send("POST", path, body: body)
    }

    private func send(_ method: String, _ path: String, body: String?) async throws -> HTTP.Response {
        var headers = ["Sec-Fetch-Site: same-origin"]
        if !cookies.isEmpty { headers.append("Cookie: " + cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        if body != nil { headers.append("Content-Type: application/x-www-form-urlencoded") }
        // Generous: the sign-in and the password change run scrypt at its full cost, and in CI
        // this test shares two cores with the rest of the suite (a 10 s bound ran out once).
        let response = try await HTTP.request(method, base + path, headers: headers, body: body, timeout: 60, in: directory)
        for line in response.headers.split(separator: "\r\n") where line.lowercased().hasPrefix("set-cookie:") {
            let pair = line.dropFirst("set-cookie:".count).trimmingCharacters(in: .whitespaces).split(separator: ";")[0]
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            if line.contains("Max-Age=0") { cookies[String(parts[0])] = nil } else { cookies[String(parts[0])] = String(parts[1]) }
        }
        return response
    }

    /// The value of the first hidden input named `name` in `html`.
    static func value(of name: String, in html: String) -> String? {
        guard let start = html.range(of: #"name="\#(name)" value=""#), let end = html[start.upperBound...].firstIndex(of: "\"") else { return nil }
        return String(html[start.upperBound..<end])
    }
}

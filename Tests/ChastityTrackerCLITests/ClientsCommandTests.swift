import ChastityTrackerDomain
import ChastityTrackerSQLite
import Foundation
import Testing

@Suite("clients add, list and remove")
struct ClientsCommandTests {
    @Test("clients add prints the client_id alone; list shows the name and the redirect URIs as registered; remove removes it")
    func addListRemove() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let added = try await sandbox.run([
            "clients", "add", "Phone app", "--redirect-uri", "com.example.app:/oauth", "--redirect-uri", "http://127.0.0.1/callback",
        ])
        #expect(added.status == 0, "\(added.stderr)")
        let id = added.stdout.trimmingCharacters(in: .newlines)
        #expect(added.stdout == id + "\n")
        #expect(id.hasPrefix("ctc_") && id.count == 26)
        let listed = try await sandbox.run(["clients", "list"])
        let fields = listed.stdout.trimmingCharacters(in: .newlines).components(separatedBy: "\t")
        #expect(fields.count == 4)
        #expect(fields[0] == id)
        #expect(fields[1] == "Phone app")
        #expect(fields[3] == "com.example.app:/oauth http://127.0.0.1/callback")
        let json = try await sandbox.run(["clients", "list", "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(entries.first?["client_id"] as? String == id)
        #expect(entries.first?["redirect_uris"] as? [String] == ["com.example.app:/oauth", "http://127.0.0.1/callback"])
        let removed = try await sandbox.run(["clients", "remove", id])
        #expect(removed.status == 0)
        #expect(removed.stderr == "removed client \(id)\n")
        #expect(try await sandbox.run(["clients", "list"]).stdout == "")
        let again = try await sandbox.run(["clients", "remove", id])
        #expect(again.stderr == "Error: no client with id \(id)\n")
    }

    @Test(
        "clients add refuses a redirect URI a public client may not have, a missing one, and a bad name, with a one-line error",
        arguments: [
            (["clients", "add", "App", "--redirect-uri", "http://localhost/cb"], "Error: redirect URI 'http://localhost/cb': "),
            (["clients", "add", "App", "--redirect-uri", "https://app.example/cb#frag"], "Error: redirect URI 'https://app.example/cb#frag': "),
            (["clients", "add", "App", "--redirect-uri", "myapp:/cb"], "Error: redirect URI 'myapp:/cb': "),
            (["clients", "add", "App"], "Error: a client needs at least one --redirect-uri"),
            (["clients", "add", "", "--redirect-uri", "https://app.example/cb"], "Error: a client's name is 1 to 100 characters"),
        ])
    func refusals(arguments: [String], prefix: String) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let result = try await sandbox.run(arguments)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix(prefix), "\(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1)
        #expect(try await sandbox.run(["clients", "list"]).stdout == "")
    }
}

@Suite("tokens list and connected apps")
struct TokensListConnectedAppsTests {
    @Test("tokens list shows a connected app as a line whose id is app:GRANT, and --json gives it as \"app\"; personal tokens come first")
    func connectedAppsAreMarked() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        #expect(try await sandbox.run(["users", "add", "alice"]).status == 0)
        #expect(try await sandbox.run(["tokens", "create", "alice", "--label", "backup"]).status == 0)
        let clientID = try await sandbox.run(["clients", "add", "Diary App", "--redirect-uri", "https://app.example/cb"]).stdout
            .trimmingCharacters(in: .newlines)

        // A grant as the token endpoint makes one, through the store the commands use.
        let store = try await SQLiteStore.open(path: sandbox.databasePath)
        let now = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000)
        let alice = try #require(try await store.user(named: "alice"))
        let code = AuthorizationCode(
            hash: TokenSecret.generate().hash, clientID: clientID, userID: alice.id, redirectURI: "https://app.example/cb", scope: .write,
            codeChallenge: PKCE.challenge(for: String(repeating: "v", count: 43)), created: now, expires: now.adding(.seconds(60)))
        try await store.addAuthorizationCode(code)
        _ = try await store.consumeAuthorizationCode(hash: code.hash, at: now)
        let grant = try await store.issueGrant(
            for: code, access: NewAccessToken(hash: TokenSecret.generate().hash, label: "Diary App", expires: now.adding(.seconds(3600))),
            refreshHash: TokenSecret.generate().hash, at: now)
        try await store.close()

        let lines = try await sandbox.run(["tokens", "list", "alice"]).stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("1\tbackup\tread\t"))
        #expect(lines[1] == "app:\(grant.id)\tDiary App\twrite\t\(now)\t-\t-")
        let json = try await sandbox.run(["tokens", "list", "alice", "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(entries.count == 2)
        #expect(entries[0]["id"] as? Int == 1)
        #expect(entries[1]["app"] as? Int == Int(grant.id))
        #expect(entries[1]["id"] == nil)
        #expect(entries[1]["label"] as? String == "Diary App")
        #expect(entries[1]["permission"] as? String == "write")
    }
}

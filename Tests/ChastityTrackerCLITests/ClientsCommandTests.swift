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

import Foundation
import Testing

/// Every upgrade fixture (a database of an earlier version's schema, made by
/// scripts/make-upgrade-fixture and never edited) opens with the current code, which migrates it,
/// and is served: its user, token, records and OAuth client are there, and it takes new writes
/// (issue 23, item 5). SQLite and PostgreSQL.
@Suite("upgrades from every fixture", .serialized)
struct UpgradeTests {
    static let folder = LivePostgres.repositoryRoot.appendingPathComponent("Tests/Fixtures/upgrade")

    /// The fixtures' folder names, oldest first.
    static var fixtures: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter {
                (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent($0).path)[.type] as? FileAttributeType)
                    == .typeDirectory
            }
            .sorted()
    }

    static var cases: [(String, String)] {
        fixtures.flatMap { name in (LivePostgres.url == nil ? ["sqlite"] : ["sqlite", "postgres"]).map { (name, $0) } }
    }

    @Test("there is a fixture of this version's schema at least")
    func fixturesExist() {
        #expect(!Self.fixtures.isEmpty)
    }

    @Test("--version prints the release, which is CHANGELOG's newest release heading")
    func versionIsTheChangelogsRelease() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let result = try await CLISandbox.run(["--version"], in: sandbox.directory)
        #expect(result.status == 0)
        let changelog = try String(contentsOf: LivePostgres.repositoryRoot.appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
        let heading = try #require(changelog.split(separator: "\n").first { $0.hasPrefix("## [") && !$0.hasPrefix("## [Unreleased]") })
        let release = heading.dropFirst("## [".count).prefix { $0 != "]" }
        #expect(result.stdout == "\(release)\n")
    }

    @Test("a fixture's database opens with the current code, is served with its data, and takes new writes", arguments: cases)
    func fixtureUpgradesAndServes(fixture: String, backend: String) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let here = Self.folder.appendingPathComponent(fixture)
        let tokens = try String(contentsOf: here.appendingPathComponent("tokens.tsv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        let token = try #require(tokens.first { $0.first == backend }?.last)
        if backend == "postgres" {
            // pg_dump's `\restrict` lines (since the August 2025 minor releases) are for the psql of
            // those releases only; the dump loads without them into any PostgreSQL 15 or newer.
            let dump = try String(contentsOf: here.appendingPathComponent("postgres.sql"), encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }
                .joined(separator: "\n")
            let script = sandbox.directory.appendingPathComponent("fixture.sql")
            try dump.write(to: script, atomically: true, encoding: .utf8)
            try await LivePostgres.withDatabase(in: sandbox.directory) { url, _ in
                let loaded = try await CLISandbox.run(
                    ["-qX", "-v", "ON_ERROR_STOP=1", "-f", script.path, url],
                    executable: URL(fileURLWithPath: LivePostgres.psqlPath()), in: sandbox.directory)
                try #require(loaded.status == 0, "\(loaded.stderr)")
                try await serveAndCheck(database: url, token: token, sandbox: sandbox)
            }
        } else {
            let copy = sandbox.directory.appendingPathComponent("upgraded.sqlite").path
            try FileManager.default.copyItem(atPath: here.appendingPathComponent("chastity-tracker.sqlite").path, toPath: copy)
            try await serveAndCheck(database: copy, token: token, sandbox: sandbox)
        }
    }

    private func serveAndCheck(database: String, token: String, sandbox: CLISandbox) async throws {
        let serve = try ServerProcess(databasePath: database, in: sandbox.directory)
        try await serve.waitUntilHealthy()
        let listed = try await HTTP.request("GET", "\(serve.baseURL)/api/v2/orgasms?limit=200", token: token, in: sandbox.directory)
        #expect(listed.status == 200, "\(listed.body)")
        let items = try #require((try listed.json()["data"] as? [String: Any])?["items"] as? [[String: Any]])
        let expected = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: Self.folder.appendingPathComponent("records.json"))) as? [[String: Any]])
        func key(_ item: [String: Any]) -> String {
            ["date", "mode", "public", "type", "grantedby"].map { "\(item[$0] ?? "nil")" }.joined(separator: "|")
        }
        #expect(Set(items.map(key)) == Set(expected.map(key)))
        let written = try await HTTP.request(
            "POST", "\(serve.baseURL)/api/v2/orgasms", token: token, json: #"{"date":"2026-03-05","mode":"full"}"#, in: sandbox.directory)
        #expect(written.status == 201, "\(written.body)")
        let stopped = try await serve.stop()
        #expect(stopped.reason == .exit && stopped.status == 0)

        let users = try await CLISandbox.run(["users", "list", "--database", database], in: sandbox.directory)
        #expect(users.stdout.hasPrefix("alice\tEurope/Berlin\t"), "\(users.stdout)")
        let clients = try await CLISandbox.run(["clients", "list", "--database", database], in: sandbox.directory)
        #expect(clients.stdout.contains("\tFixture App\t"), "\(clients.stdout)")
    }
}

import ChastityTrackerDomain
import ChastityTrackerPostgres
import Foundation
import Testing

@testable import ChastityTrackerSQLite

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `chastity-tracker backup PATH` against a live server under a write load (docs/CONTRACT.md
/// section 16, issue 23): ten backups taken while eight clients insert; each is checked by the
/// command (integrity and counts), opens as a database, and holds every write acknowledged before
/// it began.
@Suite("backup under a write load", .serialized)
struct BackupCommandTests {
    /// The ids the server acknowledged, in order.
    actor Acknowledged {
        var ids: [Int64] = []
        var failures = 0
        var stopped = false
        func add(_ id: Int64) { ids.append(id) }
        func fail() { failures += 1 }
        func stop() { stopped = true }
    }

    static var backends: [String] { LivePostgres.url == nil ? ["sqlite"] : ["sqlite", "postgres"] }

    @Test("ten backups while eight clients write: each opens and holds every write acknowledged before it began", arguments: backends)
    func backupsUnderLoad(backend: String) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        if backend == "postgres" {
            try await LivePostgres.withDatabase(in: sandbox.directory) { url, _ in try await run(database: url, sandbox: sandbox) }
        } else {
            try await run(database: sandbox.databasePath, sandbox: sandbox)
        }
    }

    private func run(database: String, sandbox: CLISandbox) async throws {
        func command(_ arguments: [String]) async throws -> CLIResult {
            try await CLISandbox.run(arguments + ["--database", database], in: sandbox.directory)
        }
        try #require(try await command(["users", "add", "alice"]).status == 0)
        let token = try await command(["tokens", "create", "alice", "--write"]).stdout.trimmingCharacters(in: .newlines)
        // A webhook and an app: a backup carries them too (the PostgreSQL backup restores them).
        try #require(try await command(["webhooks", "add", "alice", "https://127.0.0.1:9/in", "--webhooks-allow-private"]).status == 0)
        try #require(try await command(["clients", "add", "Fixture App", "--redirect-uri", "https://app.example/cb"]).status == 0)
        let serve = try ServerProcess(databasePath: database, in: sandbox.directory, extraArguments: ["--rate-limit", "0"])
        try await serve.waitUntilHealthy()

        let acknowledged = Acknowledged()
        let url = try #require(URL(string: "\(serve.baseURL)/api/v2/orgasms"))
        let writers = Task {
            await withTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        var count = 0
                        // Stopped by a flag, never by cancelling: cancelling a task inside
                        // URLSession's `data(for:)` can deadlock FoundationNetworking on Linux
                        // (swift-corelibs-foundation#5412, in Swift 6.3.1): the cancelling thread
                        // holds the task's status lock and waits for the session's queue, whose
                        // thread, finishing that request, waits for the status lock. With two
                        // cooperative threads both stuck, every task of the test process stopped:
                        // the suite's intermittent hang, caught in gdb on 2026-12-07.
                        while !(await acknowledged.stopped) {
                            // A steady load, not a saturating one: the CLI suites share two cores,
                            // and a webhook test beside this one waits on a 5 s retry.
                            try? await Task.sleep(for: .milliseconds(25))
                            count += 1
                            var request = URLRequest(url: url)
                            request.httpMethod = "POST"
                            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                            request.httpBody = Data(#"{"date":"2026-01-01","mode":"full","type":"w\#(writer)-\#(count)"}"#.utf8)
                            // A transport error (a busy loopback, the end of the test) is no refusal; an
                            // answer other than 201 is.
                            guard let (data, response) = try? await URLSession.shared.data(for: request) else { continue }
                            guard (response as? HTTPURLResponse)?.statusCode == 201,
                                let body = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                                let id = ((body["data"] as? [String: Any])?["items"] as? [[String: Any]])?.first?["id"] as? Int
                            else {
                                await acknowledged.fail()
                                continue
                            }
                            await acknowledged.add(Int64(id))
                        }
                    }
                }
            }
        }

        var backedUp: [Int] = []
        for index in 0..<10 {
            // Let some writes land between backups.
            try await Task.sleep(for: .milliseconds(300))
            let before = Set(await acknowledged.ids)
            let path = sandbox.directory.appendingPathComponent("backup-\(index).sqlite").path
            let result = try await CLISandbox.run(["backup", path, "--database", database], in: sandbox.directory)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("backed up 1 users, 1 tokens, "), "\(result.stderr)")
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)

            let copy = try await SQLiteStore.open(path: path)
            let alice = try #require(try await copy.user(named: "alice"))
            let ids = Set(try await copy.orgasms(userID: alice.id, afterID: 0, limit: 1_000_000).map(\.id))
            try await copy.close()
            #expect(before.isSubset(of: ids), "backup \(index) misses \(before.subtracting(ids).count) acknowledged writes")
            backedUp.append(ids.count)
            #expect(result.stderr.contains(" 1 webhooks, 1 OAuth clients, 0 app grants to "), "\(result.stderr)")
            if index == 9 {
                let webhooks = try await CLISandbox.run(["webhooks", "list", "alice", "--database", path], in: sandbox.directory)
                #expect(webhooks.stdout.contains("\thttps://127.0.0.1:9/in\t"), "\(webhooks.stdout)")
                let clients = try await CLISandbox.run(["clients", "list", "--database", path], in: sandbox.directory)
                #expect(clients.stdout.contains("Fixture App"), "\(clients.stdout)")
            }
        }
        let failures = await acknowledged.failures
        await acknowledged.stop()
        await writers.value
        let stopped = try await serve.stop()
        #expect(stopped.reason == .exit && stopped.status == 0)
        // No write was refused during the backups: a backup never held the writers up.
        #expect(failures == 0)
        // The load ran through the backups: later ones hold more.
        #expect(backedUp.last ?? 0 > backedUp.first ?? 0, "\(backedUp)")
    }

    @Test(
        "a database at another schema than this binary's is refused in one line and left as it is: an older one is not migrated",
        arguments: backends)
    func otherSchemaRefused(backend: String) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let current = backend == "postgres" ? PostgresStore.currentSchemaVersion : SQLiteStore.currentSchemaVersion
        func check(database: String, execute: (String) async throws -> Void, newest: () async throws -> Int) async throws {
            try #require(try await CLISandbox.run(["users", "add", "alice", "--database", database], in: sandbox.directory).status == 0)
            let path = sandbox.directory.appendingPathComponent("backup.sqlite").path
            // As an older version left it: the newest migration not applied yet.
            try await execute("DELETE FROM schema_migrations WHERE version = \(current)")
            let older = try await CLISandbox.run(["backup", path, "--database", database], in: sandbox.directory)
            #expect(older.status == 1)
            #expect(
                older.stderr == "Error: the database is at schema version \(current - 1) and this chastity-tracker at \(current): back up "
                    + "with the version that serves it (README, Upgrading); this one would have to migrate it first\n")
            #expect(try await newest() == current - 1)
            #expect(!FileManager.default.fileExists(atPath: path))
            // As a newer version left it.
            try await execute(
                "INSERT INTO schema_migrations (version, \(backend == "postgres" ? "applied_at" : "applied_ms")) VALUES (\(current + 1), \(backend == "postgres" ? "now()" : "0"))"
            )
            let newer = try await CLISandbox.run(["backup", path, "--database", database], in: sandbox.directory)
            #expect(newer.status == 1)
            #expect(
                newer.stderr
                    == "Error: the database is at schema version \(current + 1), newer than this chastity-tracker's \(current): back up with the version that serves it\n"
            )
            #expect(!FileManager.default.fileExists(atPath: path))
        }
        if backend == "postgres" {
            try await LivePostgres.withDatabase(in: sandbox.directory) { url, _ in
                try await check(
                    database: url, execute: { sql in try await LivePostgres.psql(url, sql, in: sandbox.directory) },
                    newest: { Int(try await LivePostgres.psql(url, "SELECT max(version) FROM schema_migrations", in: sandbox.directory)) ?? -1 })
            }
        } else {
            let database = sandbox.databasePath
            try await check(
                database: database,
                execute: { sql in
                    let connection = try SQLiteConnection(path: database, readOnly: false)
                    try connection.execute(sql)
                },
                newest: {
                    let connection = try SQLiteConnection(path: database, readOnly: true)
                    return Int(try connection.first("SELECT max(version) FROM schema_migrations") { $0.integer(0) } ?? -1)
                })
        }
    }

    @Test("a backup never replaces the database it copies, however PATH is written, and a failed backup leaves PATH as it was")
    func refusals() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        try #require(try await sandbox.run(["users", "add", "alice"]).status == 0)
        let database = sandbox.databasePath
        let name = (database as NSString).lastPathComponent
        let link = sandbox.directory.appendingPathComponent("link.sqlite").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: database)
        for path in [database, name, "./\(name)", link, database + "-wal", "\(name)-shm"] {
            let result = try await CLISandbox.run(["backup", path, "--database", database], in: sandbox.directory)
            #expect(result.status == 1, "\(path)")
            #expect(result.stderr == "Error: the backup cannot replace the database it copies (or its -wal, -shm or -journal file)\n", "\(path)")
        }
        #expect(try await sandbox.run(["users", "list"]).stdout.hasPrefix("alice\t"))

        // A backup that fails (no such database) leaves an existing PATH untouched and no temporary file.
        let path = sandbox.directory.appendingPathComponent("kept.sqlite").path
        try Data("an earlier backup".utf8).write(to: URL(fileURLWithPath: path))
        let failed = try await CLISandbox.run(
            ["backup", path, "--database", sandbox.directory.appendingPathComponent("none.sqlite").path], in: sandbox.directory)
        #expect(failed.status == 1)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "an earlier backup")
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.directory.path).filter { $0.contains(".tmp-") }.isEmpty)

        // A good one replaces it: one self-contained file, out of WAL mode.
        #expect(try await CLISandbox.run(["backup", path, "--database", database], in: sandbox.directory).status == 0)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        let header = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(20)
        // Bytes 18 and 19 of a SQLite header are 1 for a rollback journal, 2 for WAL.
        #expect(Array(header.suffix(2)) == [1, 1])
        #expect(try await CLISandbox.run(["users", "list", "--database", path], in: sandbox.directory).stdout.hasPrefix("alice\t"))
    }
}

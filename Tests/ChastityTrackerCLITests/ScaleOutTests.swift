import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The PostgreSQL server the live tests use (`CT_TEST_POSTGRES_URL`, set by scripts/with-postgres),
/// and a fresh database on it per test.
enum LivePostgres {
    static let urlVariable = "CT_TEST_POSTGRES_URL"

    /// The URL of a server whose user may create databases, when set.
    static var url: String? {
        ProcessInfo.processInfo.environment[urlVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    static let skipReason: Comment = "needs PostgreSQL: set CT_TEST_POSTGRES_URL or run through scripts/with-postgres"

    /// The repository's root, found from this file's path (for scripts/).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The newest `psql`, from the PostgreSQL install, else the one on the usual path.
    static func psqlPath() -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .sorted { $0.compare($1, options: .numeric) == .orderedAscending }
        for version in versions.reversed() {
            let path = "\(root)/\(version)/bin/psql"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return "/usr/bin/psql"
    }

    /// Runs one SQL statement through `psql` at `url`; returns its unaligned output.
    @discardableResult
    static func psql(_ url: String, _ sql: String, in directory: URL) async throws -> String {
        let result = try await CLISandbox.run(
            [url, "-v", "ON_ERROR_STOP=1", "-X", "-q", "-tA", "-c", sql],
            executable: URL(fileURLWithPath: psqlPath()), in: directory
        )
        guard result.status == 0 else { throw ServerFailure("psql failed (\(result.status)): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `server` (a maintenance URL) with another database.
    static func url(_ server: String, database: String) throws -> String {
        guard var components = URLComponents(string: server) else { throw ServerFailure("\(urlVariable) is not a URL") }
        components.path = "/" + database
        return components.string!
    }

    /// Creates `ct_<random>` on the server of `CT_TEST_POSTGRES_URL`, runs `body` with its URL and
    /// its name, then drops it (forcibly: a failed test may leave a server connected).
    static func withDatabase<T>(in directory: URL, _ body: (_ url: String, _ name: String) async throws -> T) async throws -> T {
        let server = try #require(url, "\(urlVariable) is not set")
        let name = "ct_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await psql(server, "CREATE DATABASE \(name)", in: directory)
        do {
            let value = try await body(try url(server, database: name), name)
            try await psql(server, "DROP DATABASE \(name) WITH (FORCE)", in: directory)
            return value
        } catch {
            _ = try? await psql(server, "DROP DATABASE \(name) WITH (FORCE)", in: directory)
            throw error
        }
    }

    /// A cluster of the test's own (scripts/pg-cluster), which it may stop and start.
    struct Cluster {
        let directory: String
        let url: String

        static func create(in directory: URL) async throws -> Cluster {
            let result = try await run(["create"], in: directory)
            let lines = result.split(separator: "\n").map(String.init)
            guard lines.count == 2 else { throw ServerFailure("pg-cluster create printed \(result)") }
            return Cluster(directory: lines[0], url: lines[1])
        }

        func stop(in directory: URL) async throws { _ = try await Self.run(["stop", self.directory], in: directory) }
        func start(in directory: URL) async throws { _ = try await Self.run(["start", self.directory], in: directory) }
        func remove(in directory: URL) async { _ = try? await Self.run(["remove", self.directory], in: directory) }

        private static func run(_ arguments: [String], in directory: URL) async throws -> String {
            let script = LivePostgres.repositoryRoot.appendingPathComponent("scripts/pg-cluster")
            let result = try await CLISandbox.run(arguments, executable: script, in: directory)
            guard result.status == 0 else {
                throw ServerFailure("pg-cluster \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
            }
            return result.stdout
        }
    }
}

extension CLISandbox {
    /// Runs the executable against `database` (a file path or a URL), not the sandbox's own file.
    func run(_ arguments: [String], database: String) async throws -> CLIResult {
        try await CLISandbox.run(arguments + ["--database", database], in: directory)
    }

    /// Runs the executable against `database` and fails with its stderr unless it exits 0.
    func succeed(_ arguments: [String], database: String) async throws {
        let result = try await run(arguments, database: database)
        guard result.status == 0 else {
            throw ServerFailure("\(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
    }

    /// `tokens create`, checked; the plain token.
    func createToken(_ user: String, write: Bool, label: String, database: String) async throws -> String {
        let result = try await run(["tokens", "create", user, "--label", label] + (write ? ["--write"] : []), database: database)
        guard result.status == 0 else { throw ServerFailure("tokens create failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .newlines)
    }
}

@Suite("serve and --pool-size options")
struct PoolSizeOptionTests {
    @Test(
        "a --pool-size or CT_POOL_SIZE below 1 or not a number is a one-line error",
        arguments: [
            (["--pool-size", "0"], [String: String](), "0"),
            (["--pool-size=-2"], [:], "-2"),
            (["--pool-size", "ten"], [:], "ten"),
            ([], ["CT_POOL_SIZE": "0"], "0"),
            (["--pool-size", "0"], ["CT_POOL_SIZE": "5"], "0"),
        ])
    func invalidPoolSize(arguments: [String], environment: [String: String], shown: String) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let result = try await sandbox.run(["serve", "--port", "0"] + arguments, environment: environment)
        #expect(result.status != 0)
        #expect(result.stdout == "")
        #expect(result.stderr == "Error: --pool-size must be a whole number of connections, 1 or more, not '\(shown)'\n")
        #expect(!FileManager.default.fileExists(atPath: sandbox.databasePath))
    }

    @Test("--pool-size is accepted, and ignored, with SQLite")
    func poolSizeWithSQLite() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let server = try ServerProcess(databasePath: sandbox.databasePath, in: sandbox.directory, extraArguments: ["--pool-size", "3"])
        try await server.waitUntilHealthy()
        let stopped = try await server.stop()
        #expect(stopped.reason == .exit && stopped.status == 0)
    }
}

@Suite("PostgreSQL live: CI has a server for them")
struct LivePostgresConfigurationTests {
    @Test("CI runs the live multi-instance tests against PostgreSQL")
    func continuousIntegrationHasPostgres() {
        if LivePostgres.isCI && LivePostgres.url == nil {
            Issue.record(
                "CI=true but CT_TEST_POSTGRES_URL is not set, so the multi-instance tests would be skipped; run the tests through scripts/with-postgres"
            )
        }
    }
}

/// Several `serve` processes on one PostgreSQL database, the database going away and coming back,
/// and `copy` between the backends: all as real processes.
@Suite("PostgreSQL live: several instances, outages and copy", .serialized, .enabled(if: LivePostgres.url != nil, LivePostgres.skipReason))
struct ScaleOutTests {
    @Test(
        "two instances on one database: a write through one is read through the other; a revoke or regenerate on the command line counts on both at once, with or without a token cache"
    )
    func twoInstancesShareState() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        try await LivePostgres.withDatabase(in: sandbox.directory) { database, _ in
            try await sandbox.succeed(["users", "add", "alice"], database: database)
            let write = try await sandbox.createToken("alice", write: true, label: "app", database: database)
            let read = try await sandbox.createToken("alice", write: false, label: "reader", database: database)

            // A reuses a token's lookup for 5 s, and must hear of changes; B never reuses one.
            let a = try ServerProcess(databasePath: database, in: sandbox.directory, extraArguments: ["--pool-size", "2", "--token-cache", "5"])
            let b = try ServerProcess(databasePath: database, in: sandbox.directory, extraArguments: ["--pool-size", "2", "--token-cache", "0"])
            try await a.waitUntilHealthy()
            try await b.waitUntilHealthy()
            let urlA = "\(a.baseURL)/api/v2/orgasms"
            let urlB = "\(b.baseURL)/api/v2/orgasms"

            let post = try await HTTP.request(
                "POST", urlA, token: write, json: #"{"date":"2025-11-28","mode":"ruined","type":"Stroke"}"#, in: sandbox.directory)
            #expect(post.status == 201)
            let created = try #require(((try post.json()["data"] as? [String: Any])?["items"] as? [[String: Any]])?.first)
            let id = try #require(created["id"] as? Int)
            let details = try await HTTP.request("GET", "\(urlB)?id=\(id)", token: read, in: sandbox.directory)
            #expect(details.status == 200)
            let item = try #require(try details.json()["data"] as? [String: Any])
            #expect(item["date"] as? String == "2025-11-28")
            #expect(item["type"] as? String == "Stroke")
            #expect(item["inserted"] as? String == created["inserted"] as? String)
            // A change through B is seen through A.
            let patch = try await HTTP.request("PATCH", "\(urlB)?id=\(id)", token: write, json: #"{"mode":"full"}"#, in: sandbox.directory)
            #expect(patch.status == 200)
            #expect(try await HTTP.request("GET", "\(urlA)?id=\(id)", token: read, in: sandbox.directory).body.contains(#""mode":"full""#))

            // Both tokens work on both instances (whatever either might have cached).
            for url in [urlA, urlB] {
                #expect(try await HTTP.request("GET", url, token: write, in: sandbox.directory).status == 200)
                #expect(try await HTTP.request("GET", url, token: read, in: sandbox.directory).status == 200)
            }

            // Revoke the read token (id 2) in another process: B refuses the very next request; A,
            // whose cache holds the token from a moment ago, as soon as the change's notification
            // arrives (milliseconds; its 5 s lifetime would be far too late for the bound below).
            let revoke = try await sandbox.run(["tokens", "revoke", "2"], database: database)
            try #require(revoke.status == 0, "\(revoke.stderr)")
            let refused = try await HTTP.request("GET", urlB, token: read, in: sandbox.directory)
            #expect(refused.status == 401)
            #expect(refused.body.contains(#""code":"unauthorized""#))
            try await expectRefusedPromptly(urlA, token: read, in: sandbox.directory)

            // Regenerate the write token (id 1): the old one is refused, the new one works, on both.
            let regenerated = try await sandbox.run(["tokens", "regenerate", "1"], database: database)
            try #require(regenerated.status == 0, "\(regenerated.stderr)")
            let newWrite = regenerated.stdout.trimmingCharacters(in: .newlines)
            #expect(matches(newWrite, tokenPattern))
            #expect(try await HTTP.request("GET", urlB, token: write, in: sandbox.directory).status == 401)
            try await expectRefusedPromptly(urlA, token: write, in: sandbox.directory)
            for url in [urlA, urlB] {
                // A new secret is never in a cache: it works at once on both.
                #expect(try await HTTP.request("GET", url, token: newWrite, in: sandbox.directory).status == 200)
                #expect(
                    try await HTTP.request("POST", url, token: newWrite, json: #"{"date":"2025-11-29","mode":"full"}"#, in: sandbox.directory).status
                        == 201)
            }
            let list = try await HTTP.request("GET", urlA, token: newWrite, in: sandbox.directory)
            #expect((try list.json()["data"] as? [String: Any])?["total"] as? Int == 3)

            for server in [a, b] {
                let stopped = try await server.stop()
                #expect(stopped.reason == .exit && stopped.status == 0)
            }
        }
    }

    @Test("200 concurrent inserts over 50 connections to two instances: all 201, ids unique, total exact; each instance keeps within its pool")
    func concurrentInserts() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        try await LivePostgres.withDatabase(in: sandbox.directory) { database, name in
            try await sandbox.succeed(["users", "add", "alice"], database: database)
            let write = try await sandbox.createToken("alice", write: true, label: "app", database: database)
            let poolSize = 5
            let servers = try (0..<2).map { _ in
                try ServerProcess(
                    databasePath: database, in: sandbox.directory, extraArguments: ["--pool-size", String(poolSize), "--rate-limit", "0"])
            }
            for server in servers { try await server.waitUntilHealthy() }

            // One curl, 50 transfers at a time, each request with its own output file.
            let count = 200
            let outputs = sandbox.directory.appendingPathComponent("out", isDirectory: true)
            try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
            // Transfers are separated by `next` (one after the last would be an empty transfer).
            let config = (0..<count).map { index in
                let server = servers[index % servers.count]
                return """
                    url = "\(server.baseURL)/api/v2/orgasms"
                    request = "POST"
                    header = "Authorization: Bearer \(write)"
                    header = "Content-Type: application/json"
                    data-binary = "{\\"date\\":\\"2025-11-28\\",\\"mode\\":\\"full\\",\\"type\\":\\"n\(index)\\"}"
                    output = "\(outputs.appendingPathComponent("\(index).json").path)"
                    write-out = "%{http_code}\\n"
                    max-time = 60

                    """
            }.joined(separator: "next\n")
            let configPath = sandbox.directory.appendingPathComponent("curl.config")
            try config.write(to: configPath, atomically: true, encoding: .utf8)
            let started = ContinuousClock.now
            let curl = try await CLISandbox.run(
                ["-sS", "--parallel", "--parallel-max", "50", "--parallel-immediate", "--config", configPath.path],
                executable: URL(fileURLWithPath: "/usr/bin/curl"), in: sandbox.directory
            )
            let elapsed = ContinuousClock.now - started
            print("200 concurrent inserts over 2 instances (pool \(poolSize) each): \(elapsed)")
            #expect(curl.status == 0, "\(curl.stderr)")
            let statuses = curl.stdout.split(separator: "\n").map(String.init)
            #expect(statuses.count == count)
            #expect(statuses.allSatisfy { $0 == "201" }, "statuses: \(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")

            var ids: [Int] = []
            var types: Set<String> = []
            for index in 0..<count {
                let body = try Data(contentsOf: outputs.appendingPathComponent("\(index).json"))
                let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
                let item = try #require(((object["data"] as? [String: Any])?["items"] as? [[String: Any]])?.first)
                ids.append(try #require(item["id"] as? Int))
                types.insert(try #require(item["type"] as? String))
            }
            #expect(Set(ids).count == count)
            #expect(types.count == count)

            // Through either instance: the exact total, and exactly the ids handed out.
            for server in servers {
                let list = try await HTTP.request("GET", "\(server.baseURL)/api/v2/orgasms?limit=200", token: write, in: sandbox.directory)
                #expect(list.status == 200)
                let data = try #require(try list.json()["data"] as? [String: Any])
                #expect(data["total"] as? Int == count)
                let listed = (data["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
                #expect(Set(listed) == Set(ids))
            }

            // --pool-size bounds each instance's connections, plus the one each listens on for
            // token changes (psql itself is on another database).
            let connections = try await LivePostgres.psql(
                try #require(LivePostgres.url), "SELECT count(*) FROM pg_stat_activity WHERE datname = '\(name)'", in: sandbox.directory
            )
            print("connections to the test database after the burst: \(connections)")
            let open = try #require(Int(connections))
            #expect(open >= 1 && open <= (poolSize + 1) * servers.count)

            for server in servers { _ = try await server.stop() }
        }
    }

    @Test("PostgreSQL stopped mid-run: 503 unavailable (enveloped) quickly, /healthz 503; started again: served again, no restart")
    func databaseOutage() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let cluster = try await LivePostgres.Cluster.create(in: sandbox.directory)
        var server: ServerProcess?
        defer {
            if let server { kill(server.process.pid, SIGKILL) }
        }
        do {
            let database = cluster.url
            try await sandbox.succeed(["users", "add", "alice"], database: database)
            let write = try await sandbox.createToken("alice", write: true, label: "app", database: database)
            let running = try ServerProcess(databasePath: database, in: sandbox.directory)
            server = running
            try await running.waitUntilHealthy()
            let url = "\(running.baseURL)/api/v2/orgasms"
            #expect(
                try await HTTP.request("POST", url, token: write, json: #"{"date":"2025-11-28","mode":"full"}"#, in: sandbox.directory).status == 201)

            try await cluster.stop(in: sandbox.directory)

            var latencies: [Duration] = []
            for (method, json) in [("GET", nil), ("POST", #"{"date":"2025-11-28","mode":"full"}"#), ("GET", nil), ("GET", nil)] as [(String, String?)]
            {
                let started = ContinuousClock.now
                let response = try await HTTP.request(method, url, token: write, json: json, in: sandbox.directory)
                let elapsed = ContinuousClock.now - started
                latencies.append(elapsed)
                #expect(response.status == 503, "\(method): \(response.status) \(response.body)")
                let envelope = try response.json()
                #expect(envelope["ok"] as? Bool == false)
                #expect((envelope["error"] as? [String: Any])?["code"] as? String == "unavailable")
                #expect((envelope["meta"] as? [String: Any])?["version"] as? Int == 2)
                #expect(elapsed < .seconds(10), "\(method) took \(elapsed)")
            }
            let healthStarted = ContinuousClock.now
            let health = try await HTTP.request("GET", "\(running.baseURL)/healthz", in: sandbox.directory)
            latencies.append(ContinuousClock.now - healthStarted)
            #expect(health.status == 503)
            print("503 latencies with PostgreSQL down (GET, POST, GET, GET, /healthz): \(latencies.map { "\($0)" }.joined(separator: ", "))")
            #expect(running.process.isRunning)
            // The server's own view of those requests (its log has each one's duration).
            let served = running.stderr.split(separator: "\n").filter { $0.contains("503") && $0.contains("duration_ms") }
            print("server log for the 503s:\n" + served.joined(separator: "\n"))

            try await cluster.start(in: sandbox.directory)
            let back = ContinuousClock.now
            var status = 0
            while ContinuousClock.now - back < .seconds(30) {
                status = try await HTTP.request("GET", url, token: write, in: sandbox.directory).status
                if status == 200 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            print("served again \(ContinuousClock.now - back) after PostgreSQL started")
            #expect(status == 200)
            #expect(try await HTTP.request("GET", "\(running.baseURL)/healthz", in: sandbox.directory).status == 200)
            #expect(
                try await HTTP.request("POST", url, token: write, json: #"{"date":"2025-11-29","mode":"full"}"#, in: sandbox.directory).status == 201)
            let list = try await HTTP.request("GET", url, token: write, in: sandbox.directory)
            #expect((try list.json()["data"] as? [String: Any])?["total"] as? Int == 2)

            let stopped = try await running.stop()
            server = nil
            #expect(stopped.reason == .exit && stopped.status == 0)
        } catch {
            await cluster.remove(in: sandbox.directory)
            throw error
        }
        await cluster.remove(in: sandbox.directory)
    }

    @Test("copy SQLite → PostgreSQL → SQLite keeps every export and token list; copied tokens authenticate; a non-empty target is refused")
    func copyRoundTrip() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let source = sandbox.databasePath
        let back = sandbox.directory.appendingPathComponent("back.sqlite").path

        // The source: two users, tokens used, revoked and regenerated, records with gaps in their
        // ids, and an idempotency key, all made through the CLI and a server.
        try #require(try await sandbox.run(["users", "add", "alice", "--timezone", "Europe/Berlin"]).status == 0)
        try #require(try await sandbox.run(["users", "add", "bob"]).status == 0)
        try #require(try await sandbox.run(["users", "add", "carol", "--timezone", "America/New_York"]).status == 0)
        let aliceWrite = try await sandbox.createToken("alice", write: true, label: "app", database: source)
        let aliceRead = try await sandbox.createToken("alice", write: false, label: "reader", database: source)
        let bobWrite = try await sandbox.createToken("bob", write: true, label: "phone", database: source)
        _ = try await sandbox.createToken("bob", write: false, label: "old", database: source)
        let sourceServer = try ServerProcess(databasePath: source, in: sandbox.directory)
        try await sourceServer.waitUntilHealthy()
        let sourceURL = "\(sourceServer.baseURL)/api/v2/orgasms"
        let bodies = [
            #"{"date":"2025-11-28","mode":"ruined","public":1,"type":"Stroke","grantedby":"K"}"#,
            #"[{"date":"2025-11-01","mode":"dom"},{"date":"2024-02-29","mode":"milking","type":"ünïcode ✓"}]"#,
            #"{"date":"2025-10-10","mode":"ted","number":3}"#,
        ]
        for body in bodies {
            #expect(try await HTTP.request("POST", sourceURL, token: aliceWrite, json: body, in: sandbox.directory).status == 201)
        }
        #expect(
            try await HTTP.request(
                "POST", sourceURL, token: bobWrite, json: #"{"date":"2025-01-01","mode":"full"}"#,
                headers: ["Idempotency-Key: bob-1"], in: sandbox.directory
            ).status == 201)
        #expect(
            try await HTTP.request(
                "POST", sourceURL, token: bobWrite, json: #"{"date":"2025-01-02","mode":"full","type":"x"}"#, in: sandbox.directory
            ).status == 201)
        #expect(try await HTTP.request("DELETE", "\(sourceURL)?id=2", token: aliceWrite, in: sandbox.directory).status == 200)
        #expect(try await HTTP.request("GET", sourceURL, token: aliceRead, in: sandbox.directory).status == 200)
        _ = try await sourceServer.stop()
        try #require(try await sandbox.run(["tokens", "revoke", "4"]).status == 0)
        let regenerated = try await sandbox.run(["tokens", "regenerate", "2"])
        try #require(regenerated.status == 0)
        let aliceReadNew = regenerated.stdout.trimmingCharacters(in: .newlines)

        try await LivePostgres.withDatabase(in: sandbox.directory) { postgres, _ in
            let there = try await CLISandbox.run(["copy", "--from", source, "--to", postgres], in: sandbox.directory)
            #expect(there.status == 0, "\(there.stderr)")
            #expect(there.stdout == "")
            let home = try await CLISandbox.run(["copy", "--from", postgres, "--to", back], in: sandbox.directory)
            #expect(home.status == 0, "\(home.stderr)")

            // The same everything, read back from each of the three.
            func snapshot(_ database: String) async throws -> [String] {
                var outputs = [try await sandbox.run(["users", "list"], database: database).stdout]
                for user in ["alice", "bob", "carol"] {
                    for arguments in [
                        ["export", user], ["export", user, "--format", "csv"], ["tokens", "list", user], ["tokens", "list", user, "--json"],
                    ] {
                        let result = try await sandbox.run(arguments, database: database)
                        #expect(result.status == 0, "\(arguments): \(result.stderr)")
                        outputs.append(result.stdout)
                    }
                }
                return outputs
            }
            let original = try await snapshot(source)
            #expect(original[1].contains("ünïcode ✓"))
            #expect(original.count == 13)
            #expect(try await snapshot(postgres) == original)
            #expect(try await snapshot(back) == original)

            // The copied hashes authenticate on the target; revoked and replaced tokens still do not.
            let server = try ServerProcess(databasePath: postgres, in: sandbox.directory)
            try await server.waitUntilHealthy()
            let url = "\(server.baseURL)/api/v2/orgasms"
            let list = try await HTTP.request("GET", url, token: aliceWrite, in: sandbox.directory)
            #expect(list.status == 200)
            #expect((try list.json()["data"] as? [String: Any])?["total"] as? Int == 5)
            #expect(try await HTTP.request("GET", url, token: aliceReadNew, in: sandbox.directory).status == 200)
            #expect(try await HTTP.request("GET", url, token: aliceRead, in: sandbox.directory).status == 401)
            #expect(try await HTTP.request("GET", url, token: bobWrite, in: sandbox.directory).status == 200)
            // The idempotency key came along: the same request replays instead of inserting again.
            let replay = try await HTTP.request(
                "POST", url, token: bobWrite, json: #"{"date":"2025-01-01","mode":"full"}"#,
                headers: ["Idempotency-Key: bob-1"], in: sandbox.directory)
            #expect(replay.status == 201)
            #expect(replay.headers.lowercased().contains("idempotent-replayed: true"))
            // New ids continue after the copied ones.
            let next = try await HTTP.request("POST", url, token: bobWrite, json: #"{"date":"2025-01-03","mode":"full"}"#, in: sandbox.directory)
            #expect(next.status == 201)
            #expect(((try next.json()["data"] as? [String: Any])?["items"] as? [[String: Any]])?.first?["id"] as? Int == 9)
            _ = try await server.stop()

            // Copy fills only an empty database, in either direction.
            for (from, to) in [(source, postgres), (postgres, back)] {
                let refused = try await CLISandbox.run(["copy", "--from", from, "--to", to], in: sandbox.directory)
                #expect(refused.status != 0)
                #expect(refused.stdout == "")
                #expect(refused.stderr.hasPrefix("Error: the target database is not empty"))
                #expect(refused.stderr.filter { $0 == "\n" }.count == 1, "\(refused.stderr)")
            }
        }
    }

    /// Polls `url` with `token` (revoked a moment ago through another process) until it is
    /// refused with 401 `unauthorized`: within a second (the notification; a loaded machine), far
    /// less than the instance's 5 s token cache.
    private func expectRefusedPromptly(_ url: String, token: String, in directory: URL) async throws {
        let started = ContinuousClock.now
        var last: HTTP.Response?
        while ContinuousClock.now - started < .seconds(6) {
            let response = try await HTTP.request("GET", url, token: token, in: directory)
            last = response
            if response.status == 401 { break }
            #expect(response.status == 200)
            try await Task.sleep(for: .milliseconds(20))
        }
        let elapsed = ContinuousClock.now - started
        #expect(last?.status == 401, "still \(last?.status ?? 0) after \(elapsed)")
        #expect(last?.body.contains(#""code":"unauthorized""#) == true)
        #expect(elapsed <= .seconds(1), "refused only after \(elapsed)")
    }
}

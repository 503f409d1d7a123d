import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("serve, end to end")
struct ServeTests {
    /// A sandbox with alice (UTC) and a write and a read token for her.
    static func sandboxWithTokens() async throws -> (sandbox: CLISandbox, write: String, read: String) {
        let sandbox = try CLISandbox()
        try #require(try await sandbox.run(["users", "add", "alice"]).status == 0)
        let write = try await sandbox.run(["tokens", "create", "alice", "--write", "--label", "app"])
        let read = try await sandbox.run(["tokens", "create", "alice", "--label", "reader"])
        try #require(write.status == 0 && read.status == 0)
        return (sandbox, write.stdout.trimmingCharacters(in: .newlines), read.stdout.trimmingCharacters(in: .newlines))
    }

    @Test("serve answers a real POST and GET with the tokens the CLI made, and exits on SIGTERM")
    func postAndGet() async throws {
        let (sandbox, write, read) = try await Self.sandboxWithTokens()
        defer { sandbox.removeAll() }
        let server = try ServerProcess(databasePath: sandbox.databasePath, in: sandbox.directory)
        try await server.waitUntilHealthy()
        let url = "\(server.baseURL)/api/v2/orgasms.php"

        let post = try await HTTP.request(
            "POST", url, token: write, json: #"{"date":"2025-11-28","mode":"ruined","public":1,"type":" Stroke ","grantedby":"K"}"#,
            in: sandbox.directory)
        #expect(post.status == 201)
        let postData = try #require(try post.json()["data"] as? [String: Any])
        #expect(postData["count"] as? Int == 1)
        let created = try #require((postData["items"] as? [[String: Any]])?.first)
        #expect(created["id"] as? Int == 1)
        #expect(created["date"] as? String == "2025-11-28")
        #expect(created["mode"] as? String == "ruined")
        #expect(created["public"] as? Int == 1)
        #expect(created["type"] as? String == "Stroke")
        #expect(created["grantedby"] as? String == "K")
        let inserted = try #require(created["inserted"] as? String)
        #expect(matches(inserted, timestampPattern))

        let get = try await HTTP.request("GET", "\(url)?id=1", token: read, in: sandbox.directory)
        #expect(get.status == 200)
        #expect(
            get.body.contains(
                #""data":{"id":1,"date":"2025-11-28","mode":"ruined","public":1,"type":"Stroke","grantedby":"K","inserted":"\#(inserted)"}"#))

        let list = try await HTTP.request("GET", url, token: read, in: sandbox.directory)
        #expect(list.status == 200)
        let listData = try #require(try list.json()["data"] as? [String: Any])
        #expect(listData["total"] as? Int == 1)

        // The read token may not write; no token at all is refused.
        let forbidden = try await HTTP.request("POST", url, token: read, json: #"{"date":"2025-11-28","mode":"full"}"#, in: sandbox.directory)
        #expect(forbidden.status == 403)
        #expect(try await HTTP.request("GET", url, in: sandbox.directory).status == 401)

        // What the server stored is what the CLI exports.
        let export = try await sandbox.run(["export", "alice"])
        #expect(
            export.stdout
                == "[\n{\"id\":1,\"date\":\"2025-11-28\",\"mode\":\"ruined\",\"public\":1,\"type\":\"Stroke\",\"grantedby\":\"K\",\"inserted\":\"\(inserted)\"}\n]\n"
        )
        #expect(
            try await sandbox.run(["export", "alice", "--format", "csv"]).stdout
                == "id,date,mode,public,type,grantedby,inserted\n1,2025-11-28,ruined,1,Stroke,K,\(inserted)\n")

        // Using a token shows in the list as "last used".
        let tokens = try await sandbox.run(["tokens", "list", "alice"]).stdout.split(separator: "\n")
        try #require(tokens.count == 2)
        #expect(matches(tokens[0], "1\tapp\twrite\t" + timestampPattern + "\t" + timestampPattern + "\t-"))
        #expect(matches(tokens[1], "2\treader\tread\t" + timestampPattern + "\t" + timestampPattern + "\t-"))

        #expect(!server.stderr.contains("no users yet"))
        // The text log format is swift-log's StreamLogHandler line, metadata sorted by key.
        let serving = server.stderr.split(separator: "\n").first { $0.hasSuffix("] serving") } ?? "none"
        #expect(
            matches(
                serving,
                #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} info chastity-tracker: database=\S+ host=127\.0\.0\.1 port=\#(server.port) \[chastity_tracker\] serving"#
            ), "\(serving)")
        let stopped = try await server.stop(signal: SIGTERM)
        #expect(stopped.reason == .exit)
        #expect(stopped.status == 0)
    }

    @Test("--log-format json writes each log line as one JSON object with the metadata as keys")
    func jsonLogLines() async throws {
        let (sandbox, _, read) = try await Self.sandboxWithTokens()
        defer { sandbox.removeAll() }
        let server = try ServerProcess(databasePath: sandbox.databasePath, in: sandbox.directory, extraArguments: ["--log-format", "json"])
        try await server.waitUntilHealthy()
        let answer = try await HTTP.request("GET", "\(server.baseURL)/api/v2/orgasms", headers: ["X-Request-ID: trace-42"], in: sandbox.directory)
        #expect(answer.status == 401)
        let authenticated = try await HTTP.request(
            "GET", "\(server.baseURL)/api/v2/orgasms?limit=1", token: read, headers: ["X-Request-ID: trace-43"], in: sandbox.directory)
        #expect(authenticated.status == 200)
        _ = try await server.stop(signal: SIGTERM)
        let lines = server.stderr.split(separator: "\n")
        let objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\($0)") }
        let serving = try #require(objects.first { $0["message"] as? String == "serving" })
        #expect(serving["level"] as? String == "info")
        #expect(serving["label"] as? String == "chastity-tracker")
        #expect(serving["host"] as? String == "127.0.0.1")
        #expect(serving["port"] as? String == String(server.port))
        #expect(serving["database"] as? String == sandbox.databasePath)
        #expect(matches(try #require(serving["time"] as? String), #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#))
        // A request's lines carry one id, the one it was answered with in X-Request-ID; and an API
        // request passes the front middleware once (its routes run it in their own responder, so
        // they must not get it from the router as well): one request line.
        let requestLines = objects.filter {
            $0["message"] as? String == "request" && $0["path"] as? String == "/api/v2/orgasms" && $0["request_id"] as? String == "trace-42"
        }
        #expect(requestLines.count == 1)
        let request = try #require(requestLines.first)
        #expect(request["request_id"] as? String == "trace-42")
        #expect(request["status"] as? String == "401")
        #expect(!objects.contains { $0.keys.contains("hb.request.id") })
        // A request with a token: its line, never the token's secret.
        let withToken = try #require(objects.first { $0["request_id"] as? String == "trace-43" })
        #expect(withToken["status"] as? String == "200")
        #expect(!server.stderr.contains(read))
    }

    @Test("revoke and regenerate through the CLI take effect on a running server's very next request")
    func revokeAndRegenerateWhileServing() async throws {
        let (sandbox, write, read) = try await Self.sandboxWithTokens()
        defer { sandbox.removeAll() }
        let server = try ServerProcess(databasePath: sandbox.databasePath, in: sandbox.directory)
        try await server.waitUntilHealthy()
        let url = "\(server.baseURL)/api/v2/orgasms"
        #expect(try await HTTP.request("GET", url, token: write, in: sandbox.directory).status == 200)
        #expect(try await HTTP.request("GET", url, token: read, in: sandbox.directory).status == 200)

        let regenerated = try await sandbox.run(["tokens", "regenerate", "1"])
        try #require(regenerated.status == 0)
        let newToken = regenerated.stdout.trimmingCharacters(in: .newlines)
        #expect(try await HTTP.request("GET", url, token: write, in: sandbox.directory).status == 401)
        #expect(try await HTTP.request("GET", url, token: newToken, in: sandbox.directory).status == 200)
        #expect(
            try await HTTP.request("POST", url, token: newToken, json: #"{"date":"2025-11-28","mode":"full"}"#, in: sandbox.directory).status == 201)

        try #require(try await sandbox.run(["tokens", "revoke", "2"]).status == 0)
        #expect(try await HTTP.request("GET", url, token: read, in: sandbox.directory).status == 401)

        _ = try await server.stop(signal: SIGTERM)
    }

    @Test("serve on an empty database prints the exact commands that create a first user and token, and they work")
    func emptyDatabaseHint() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let server = try ServerProcess(databasePath: sandbox.databasePath, in: sandbox.directory)
        try await server.waitUntilHealthy()
        let stopped = try await server.stop(signal: SIGTERM)
        #expect(stopped.reason == .exit)
        #expect(stopped.status == 0)

        let binary = try CLISandbox.executableURL().path
        let hint = """
            The database has no users yet. Create one, give them a password for the account pages \
            (it is read from standard input) and a token for your app:
              \(binary) users add alice --timezone Europe/Berlin --database '\(sandbox.databasePath)'
              \(binary) users set-password alice --database '\(sandbox.databasePath)'
              \(binary) tokens create alice --write --label my-app --database '\(sandbox.databasePath)'
            Then sign in on the account pages: http://127.0.0.1:\(server.port)/account/

            """
        #expect(server.stderr.hasPrefix(hint), "\(server.stderr)")

        // Run the three printed commands as an operator would (words split on spaces, quotes removed).
        let commands = FirstStartHint.commands(in: hint) { $0.replacingOccurrences(of: "'", with: "") }
        try #require(commands.count == 3)
        let add = try await CLISandbox.run(commands[0].arguments, executable: commands[0].executable, in: sandbox.directory)
        #expect(add.status == 0)
        #expect(add.stdout == "alice\tEurope/Berlin\n")
        let password = try await CLISandbox.run(
            commands[1].arguments, stdin: "a first password\n", executable: commands[1].executable, in: sandbox.directory)
        #expect(password.status == 0, "\(password.stderr)")
        #expect(password.stderr == "set the password of alice; their sessions have ended\n")
        let token = try await CLISandbox.run(commands[2].arguments, executable: commands[2].executable, in: sandbox.directory)
        #expect(token.status == 0)
        #expect(matches(token.stdout, tokenPattern + "\n"))
        #expect(matches(try await sandbox.run(["tokens", "list", "alice"]).stdout, "1\tmy-app\twrite\t" + timestampPattern + "\t-\t-\n"))
    }

    @Test(
        "the first-start hint names the commands as this shell runs them: swift run inside the package, the bare name from the PATH",
        arguments: [FirstStartHint.Launch.swiftRun, .path]
    )
    func firstStartHintFollowsTheLaunch(_ launch: FirstStartHint.Launch) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let binary = try CLISandbox.executableURL()
        var environment = CLISandbox.baseEnvironment()
        let executable: String
        switch launch {
        case .swiftRun:
            // What `swift run` does: argv[0] is the product's path relative to the package folder.
            let folder = sandbox.directory.appendingPathComponent(".build/debug")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("chastity-tracker"), withDestinationURL: binary)
            executable = ".build/debug/chastity-tracker"
        case .path:
            environment["PATH"] = binary.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
            executable = "chastity-tracker"
        }
        let server = try ServerProcess(databasePath: "a.db", in: sandbox.directory, executable: executable, environment: environment)
        try await server.waitUntilHealthy()
        _ = try await server.stop(signal: SIGTERM)
        let command = launch == .swiftRun ? "swift run chastity-tracker" : "chastity-tracker"
        let lines = server.stderr.split(separator: "\n").filter { $0.hasPrefix("  ") }.map(String.init)
        #expect(
            lines == [
                "  \(command) users add alice --timezone Europe/Berlin --database 'a.db'",
                "  \(command) users set-password alice --database 'a.db'",
                "  \(command) tokens create alice --write --label my-app --database 'a.db'",
            ], "\(server.stderr)")
    }

    @Test("set-password on a terminal asks for the password and sets it from what is typed")
    func setPasswordOnATerminal() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        #expect(try await sandbox.run(["users", "add", "alice"]).status == 0)
        // script(1) gives the command a pseudo-terminal as standard input and relays ours to it.
        let binary = try CLISandbox.executableURL().path
        let command = "\(binary) users set-password alice --database '\(sandbox.databasePath)'"
        let typed = try await CLISandbox.run(
            ["-qec", command, "/dev/null"], stdin: "a typed password\n", executable: URL(fileURLWithPath: "/usr/bin/script"),
            in: sandbox.directory)
        #expect(typed.status == 0, "\(typed.stdout)")
        #expect(typed.stdout.contains("New password for alice: "), "\(typed.stdout)")
        #expect(typed.stdout.hasSuffix("set the password of alice; their sessions have ended\r\n"), "\(typed.stdout)")
    }

    @Test("a record acknowledged with 201 survives kill -9 of the server")
    func durableAfterKill() async throws {
        let (sandbox, write, _) = try await Self.sandboxWithTokens()
        defer { sandbox.removeAll() }
        let server = try ServerProcess(databasePath: sandbox.databasePath, in: sandbox.directory)
        try await server.waitUntilHealthy()

        let post = try await HTTP.request(
            "POST", "\(server.baseURL)/api/v2/orgasms.php", token: write,
            json: #"[{"date":"2025-11-27","mode":"milking","type":"durable"},{"date":"2025-11-28","mode":"dom","public":1}]"#,
            in: sandbox.directory)
        let killed = try await server.stop(signal: SIGKILL)
        try #require(post.status == 201)
        #expect(killed.reason == .uncaughtSignal)
        #expect(killed.status == SIGKILL)
        let items = try #require((try post.json()["data"] as? [String: Any])?["items"] as? [[String: Any]])
        let inserted = try #require(items.first?["inserted"] as? String)

        let restarted = try ServerProcess(databasePath: sandbox.databasePath, in: sandbox.directory)
        try await restarted.waitUntilHealthy()
        let first = try await HTTP.request("GET", "\(restarted.baseURL)/api/v2/orgasms.php?id=1", token: write, in: sandbox.directory)
        #expect(first.status == 200)
        #expect(
            first.body.contains(
                #""data":{"id":1,"date":"2025-11-27","mode":"milking","public":0,"type":"durable","grantedby":null,"inserted":"\#(inserted)"}"#))
        let second = try await HTTP.request("GET", "\(restarted.baseURL)/api/v2/orgasms.php?id=2", token: write, in: sandbox.directory)
        #expect(second.status == 200)
        #expect(
            second.body.contains(
                #""data":{"id":2,"date":"2025-11-28","mode":"dom","public":0,"type":null,"grantedby":null,"inserted":"\#(inserted)"}"#))
        _ = try await restarted.stop(signal: SIGTERM)
    }
}

/// Reads the commands out of the hint `serve` prints on an empty database.
enum FirstStartHint {
    /// How the server was started.
    enum Launch: Sendable, CustomTestStringConvertible {
        case swiftRun, path
        var testDescription: String { self == .swiftRun ? "swift run" : "PATH" }
    }

    /// Each indented line as an executable and its arguments (split on spaces, each word passed
    /// through `word`).
    static func commands(in hint: String, word: (String) -> String) -> [(executable: URL, arguments: [String])] {
        hint.split(separator: "\n").filter { $0.hasPrefix("  ") }.map { line in
            let words = line.trimmingCharacters(in: .whitespaces).split(separator: " ").map { word(String($0)) }
            return (URL(fileURLWithPath: words[0]), Array(words.dropFirst()))
        }
    }
}

import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// No message shows a database password, however the URL is written.
@Suite("database URLs in messages")
struct DatabaseURLRedactionTests {
    /// A `postgres://` URL for a server that is not there (port 1), with `password` written as is.
    /// Every password holds `Qq` and `XyZ`, which nothing else in a message does.
    struct BadURL: Sendable, CustomTestStringConvertible {
        var password: String
        /// Whether PostgresURL can parse it (then opening fails on the absent server).
        var parses: Bool
        var url: String { "postgres://ct:\(password)@127.0.0.1:1/ct" }
        var testDescription: String { password }
    }

    static let invalid =
        "invalid PostgreSQL URL: expected postgres://user:password@host:port/database, with / # ? @ : % in the password percent-encoded"

    static let urls = [
        BadURL(password: "Qq/XyZ", parses: false),
        BadURL(password: "12/QqXyZ", parses: false),
        BadURL(password: "Qq#XyZ", parses: false),
        BadURL(password: "Qq?XyZ", parses: false),
        BadURL(password: "12?QqXyZ", parses: false),
        BadURL(password: "Qq@XyZ", parses: true),
        BadURL(password: "Qq:XyZ", parses: true),
        BadURL(password: "Qq%2F%23%3F%40XyZ", parses: true),
        BadURL(password: "Qq%zzXyZ", parses: true),
        BadURL(password: "Qq/#?@:XyZ", parses: false),
    ]

    /// The one line a command prints for `url`.
    static func expectedError(_ url: BadURL) -> String {
        "Error: cannot open the database postgres://ct:***@127.0.0.1:1/ct" + (url.parses ? "" : ": " + invalid) + "\n"
    }

    @Test("a command given a postgres:// URL it cannot use names it with the password hidden, one line", arguments: urls)
    func commandErrorHidesThePassword(url: BadURL) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let result = try await CLISandbox.run(["users", "list", "--database", url.url], in: sandbox.directory)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == Self.expectedError(url))
        #expect(!result.stderr.contains("Qq") && !result.stderr.contains("XyZ"))
        // The same through CT_DATABASE.
        let environment = try await CLISandbox.run(["users", "list"], environment: ["CT_DATABASE": url.url], in: sandbox.directory)
        #expect(environment.stderr == Self.expectedError(url))
    }

    @Test("copy names a source or a target it cannot open with the password hidden", arguments: [urls[0], urls[6]])
    func copyErrorHidesThePassword(url: BadURL) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        try #require(try await sandbox.run(["users", "add", "alice"]).status == 0)
        let from = try await CLISandbox.run(["copy", "--from", url.url, "--to", sandbox.databasePath], in: sandbox.directory)
        #expect(from.status == 1)
        #expect(from.stderr == Self.expectedError(url))
        let to = try await CLISandbox.run(["copy", "--from", sandbox.databasePath, "--to", url.url], in: sandbox.directory)
        #expect(to.status == 1)
        #expect(to.stderr == Self.expectedError(url))
    }

    @Test("serve that cannot open its postgres:// database names it with the password hidden", arguments: [urls[1], urls[7]])
    func serveErrorHidesThePassword(url: BadURL) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let result = try await CLISandbox.run(["serve", "--port", "0", "--database", url.url], in: sandbox.directory)
        #expect(result.status == 1)
        #expect(!result.stderr.contains("Qq") && !result.stderr.contains("XyZ"), "\(result.stderr)")
        #expect(result.stderr.hasSuffix(Self.expectedError(url)), "\(result.stderr)")
    }
}

/// `serve` on PostgreSQL with a password that needs every escape: the log line and the
/// first-start hint show the URL without it, and the hint's commands work.
@Suite("PostgreSQL live: the password stays out of serve's output", .serialized, .enabled(if: LivePostgres.url != nil, LivePostgres.skipReason))
struct ServePasswordTests {
    @Test("serve's log line and empty-database hint hide the password; the hint's commands work with CT_DATABASE set")
    func hintAndLogHideThePassword() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let server = try #require(LivePostgres.url)
        // A role of its own whose password holds every character a URL must escape; it owns
        // the test's database, and is dropped after it.
        let role = "ct_owner_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let password = "Qq/#?@:%' XyZ"
        try await LivePostgres.psql(
            server, "CREATE ROLE \(role) LOGIN PASSWORD '\(password.replacingOccurrences(of: "'", with: "''"))'", in: sandbox.directory)
        do {
            try await serveAsRole(role, password: password, server: server, in: sandbox)
        } catch {
            _ = try? await LivePostgres.psql(server, "DROP ROLE IF EXISTS \(role)", in: sandbox.directory)
            throw error
        }
        try await LivePostgres.psql(server, "DROP ROLE \(role)", in: sandbox.directory)
    }

    private func serveAsRole(_ role: String, password: String, server: String, in sandbox: CLISandbox) async throws {
        try await LivePostgres.withDatabase(in: sandbox.directory) { _, name in
            try await LivePostgres.psql(server, "ALTER DATABASE \(name) OWNER TO \(role)", in: sandbox.directory)
            var components = try #require(URLComponents(string: server))
            components.user = role
            components.percentEncodedPassword = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            components.path = "/" + name
            let url = try #require(components.string)
            let port = try #require(components.port)

            let serve = try ServerProcess(databasePath: url, in: sandbox.directory)
            try await serve.waitUntilHealthy()
            let stopped = try await serve.stop()
            #expect(stopped.reason == .exit && stopped.status == 0)
            let output = serve.stderr
            #expect(!output.contains("Qq") && !output.contains("XyZ"), "\(output)")
            let redacted = "postgres://\(role):***@127.0.0.1:\(port)/\(name)"
            let binary = try CLISandbox.executableURL().path
            let hint = """
                The database has no users yet. Create one, give them a password for the account pages \
                (it is read from standard input) and a token for your app:
                  \(binary) users add alice --timezone Europe/Berlin --database "$CT_DATABASE"
                  \(binary) users set-password alice --database "$CT_DATABASE"
                  \(binary) tokens create alice --write --label my-app --database "$CT_DATABASE"
                with CT_DATABASE set to the URL given to serve (\(redacted)).
                Then sign in on the account pages: http://127.0.0.1:\(serve.port)/account/

                """
            // After the migration log lines.
            #expect(output.contains(hint), "\(output)")
            #expect(output.contains(" database=\(redacted) "), "\(output)")

            // The printed commands, as a shell with CT_DATABASE set would run them.
            let commands = FirstStartHint.commands(in: hint) { $0 == #""$CT_DATABASE""# ? url : $0 }
            try #require(commands.count == 3)
            let add = try await CLISandbox.run(commands[0].arguments, executable: commands[0].executable, in: sandbox.directory)
            #expect(add.status == 0, "\(add.stderr)")
            #expect(add.stdout == "alice\tEurope/Berlin\n")
            let password = try await CLISandbox.run(
                commands[1].arguments, stdin: "a first password\n", executable: commands[1].executable, in: sandbox.directory)
            #expect(password.status == 0, "\(password.stderr)")
            let token = try await CLISandbox.run(commands[2].arguments, executable: commands[2].executable, in: sandbox.directory)
            #expect(token.status == 0, "\(token.stderr)")
            #expect(matches(token.stdout, tokenPattern + "\n"))
        }
    }
}

/// The SQLite file the commands create is the owner's alone.
@Suite("SQLite file mode")
struct DatabaseFileModeTests {
    @Test("the database file a command creates is 0600, under umask 022")
    func createdFileIsOwnerOnly() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        // The child inherits the umask through env(1); 022 is the usual one, which gave 0644.
        let previous = umask(0o022)
        let result = try await sandbox.run(["users", "add", "alice"])
        umask(previous)
        #expect(result.status == 0)
        let permissions = try FileManager.default.attributesOfItem(atPath: sandbox.databasePath)[.posixPermissions] as? Int
        #expect(permissions.map { $0 & 0o777 } == 0o600)
    }
}

import Foundation
import Testing

@Suite("users add, list and delete")
struct UsersCommandTests {
    @Test("users add prints the name and time zone; the default zone is UTC")
    func addPrintsUser() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }

        let berlin = try await sandbox.run(["users", "add", "alice", "--timezone", "Europe/Berlin"])
        #expect(berlin.status == 0)
        #expect(berlin.stdout == "alice\tEurope/Berlin\n")
        #expect(berlin.stderr == "")

        let utc = try await sandbox.run(["users", "add", "bob"])
        #expect(utc.status == 0)
        #expect(utc.stdout == "bob\tUTC\n")

        // A current IANA name that Linux's ICU list lacks.
        let kolkata = try await sandbox.run(["users", "add", "chandra", "--timezone", "Asia/Kolkata"])
        #expect(kolkata.status == 0)
        #expect(kolkata.stdout == "chandra\tAsia/Kolkata\n")
    }

    @Test("users list prints a tab-separated line per user, by name: name, time zone, created")
    func listUsers() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }

        let empty = try await sandbox.run(["users", "list"])
        #expect(empty.status == 0)
        #expect(empty.stdout == "")

        _ = try await sandbox.run(["users", "add", "zoe", "--timezone", "Pacific/Kiritimati"])
        _ = try await sandbox.run(["users", "add", "alice", "--timezone", "Europe/Berlin"])
        let list = try await sandbox.run(["users", "list"])
        #expect(list.status == 0)
        let lines = list.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        try #require(lines.count == 3)
        #expect(matches(lines[0], "alice\tEurope/Berlin\t" + timestampPattern))
        #expect(matches(lines[1], "zoe\tPacific/Kiritimati\t" + timestampPattern))
        #expect(lines[2] == "")
    }

    @Test(
        "users add refuses a time zone that is not IANA with a one-line error, and adds nobody",
        arguments: [
            "Mars/Olympus_Mons", "europe/berlin", "+02:00", "",
        ])
    func addRefusesBadTimeZone(_ zone: String) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }

        let result = try await sandbox.run(["users", "add", "alice", "--timezone", zone])
        #expect(result.status != 0)
        #expect(result.stdout == "")
        #expect(result.stderr == "Error: '\(zone)' is not an IANA time zone (for example Europe/Berlin or UTC)\n")
        #expect(try await sandbox.run(["users", "list"]).stdout == "")
    }

    @Test(
        "users add refuses a name outside the allowed characters with a one-line error",
        arguments: ["al ice", "a/b", "bob\u{7}", String(repeating: "x", count: 65)])
    func addRefusesBadName(_ name: String) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }

        let result = try await sandbox.run(["users", "add", name])
        #expect(result.status != 0)
        #expect(result.stderr == "Error: a user name is 1 to 64 characters of letters, digits, '.', '_', '-' and '@'\n")
        #expect(try await sandbox.run(["users", "list"]).stdout == "")
    }

    @Test("users add refuses a name that is taken and keeps the first user unchanged")
    func addRefusesDuplicate() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }

        #expect(try await sandbox.run(["users", "add", "alice", "--timezone", "Europe/Berlin"]).status == 0)
        let again = try await sandbox.run(["users", "add", "alice", "--timezone", "UTC"])
        #expect(again.status != 0)
        #expect(again.stdout == "")
        #expect(again.stderr == "Error: a user named 'alice' already exists\n")
        let list = try await sandbox.run(["users", "list"])
        #expect(matches(list.stdout, "alice\tEurope/Berlin\t" + timestampPattern + "\n"))
    }

    @Test("users delete removes the user, their tokens and all their records, and nobody else's")
    func deleteRemovesEverything() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let file = sandbox.directory.appendingPathComponent("items.json")
        try Data(#"[{"date":"2025-06-01","mode":"full"},{"date":"2025-06-02","mode":"ruined"}]"#.utf8).write(to: file)

        for name in ["alice", "bob"] {
            #expect(try await sandbox.run(["users", "add", name]).status == 0)
            #expect(try await sandbox.run(["import", name, file.path]).status == 0)
        }
        let aliceToken = try await sandbox.run(["tokens", "create", "alice", "--write"])
        #expect(aliceToken.stderr == "token id: 1\n")
        #expect(try await sandbox.run(["tokens", "create", "bob"]).stderr == "token id: 2\n")
        let bobExportBefore = try await sandbox.run(["export", "bob"]).stdout

        let delete = try await sandbox.run(["users", "delete", "alice"])
        #expect(delete.status == 0)
        #expect(delete.stdout == "")
        #expect(delete.stderr == "deleted user alice with their tokens and records\n")

        #expect(matches(try await sandbox.run(["users", "list"]).stdout, "bob\tUTC\t" + timestampPattern + "\n"))
        let export = try await sandbox.run(["export", "alice"])
        #expect(export.status != 0)
        #expect(export.stderr == "Error: no user named 'alice'\n")
        // The token row is gone, not just unreachable through the user.
        let revoke = try await sandbox.run(["tokens", "revoke", "1"])
        #expect(revoke.status != 0)
        #expect(revoke.stderr == "Error: no token with id 1\n")

        // A new user with the same name starts empty: no old tokens or records come back.
        #expect(try await sandbox.run(["users", "add", "alice"]).status == 0)
        #expect(try await sandbox.run(["tokens", "list", "alice"]).stdout == "")
        #expect(try await sandbox.run(["export", "alice"]).stdout == "[]\n")
        #expect(try await sandbox.run(["export", "alice", "--format", "csv"]).stdout == "id,date,mode,public,type,grantedby,inserted\n")

        // Bob keeps his token and records.
        #expect(try await sandbox.run(["export", "bob"]).stdout == bobExportBefore)
        #expect(matches(try await sandbox.run(["tokens", "list", "bob"]).stdout, "2\t\tread\t" + timestampPattern + "\t-\t-\n"))
    }

    static let unknownUserCommands: [[String]] = [
        ["users", "delete", "ghost"],
        ["tokens", "create", "ghost"],
        ["tokens", "create", "ghost", "--write", "--label", "x"],
        ["tokens", "list", "ghost"],
        ["tokens", "list", "ghost", "--json"],
        ["export", "ghost"],
        ["export", "ghost", "--format", "csv"],
        ["import", "ghost", "ITEMS"],
    ]

    @Test("every command taking NAME fails with a one-line error for an unknown user", arguments: unknownUserCommands)
    func unknownUser(_ command: [String]) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let file = sandbox.directory.appendingPathComponent("items.json")
        try Data(#"[{"date":"2025-06-01","mode":"full"}]"#.utf8).write(to: file)
        _ = try await sandbox.run(["users", "add", "alice"])

        let result = try await sandbox.run(command.map { $0 == "ITEMS" ? file.path : $0 })
        #expect(result.status != 0)
        #expect(result.stdout == "")
        #expect(result.stderr == "Error: no user named 'ghost'\n")
        #expect(try await sandbox.run(["tokens", "list", "alice"]).stdout == "")
    }
}

import Foundation
import Testing

@Suite("tokens create, list, revoke and regenerate")
struct TokensCommandTests {
    /// A sandbox with the user alice.
    static func sandboxWithAlice() async throws -> CLISandbox {
        let sandbox = try CLISandbox()
        let add = try await sandbox.run(["users", "add", "alice"])
        try #require(add.status == 0)
        return sandbox
    }

    @Test("tokens create prints only the token on stdout and its id on stderr")
    func createPrintsTokenAlone() async throws {
        let sandbox = try await Self.sandboxWithAlice()
        defer { sandbox.removeAll() }

        let first = try await sandbox.run(["tokens", "create", "alice"])
        #expect(first.status == 0)
        #expect(matches(first.stdout, tokenPattern + "\n"))
        #expect(first.stderr == "token id: 1\n")

        let second = try await sandbox.run(["tokens", "create", "alice", "--write", "--label", "my app"])
        #expect(second.status == 0)
        #expect(matches(second.stdout, tokenPattern + "\n"))
        #expect(second.stderr == "token id: 2\n")
        #expect(second.stdout != first.stdout)
    }

    @Test("tokens list shows id, label, permission, created, last used and revoked, tab-separated; read unless --write")
    func listShowsPermissionAndLabel() async throws {
        let sandbox = try await Self.sandboxWithAlice()
        defer { sandbox.removeAll() }
        _ = try await sandbox.run(["tokens", "create", "alice"])
        _ = try await sandbox.run(["tokens", "create", "alice", "--write", "--label", "my app"])
        _ = try await sandbox.run(["tokens", "create", "alice", "--label", "Ünïcode ✓"])

        let list = try await sandbox.run(["tokens", "list", "alice"])
        #expect(list.status == 0)
        #expect(list.stderr == "")
        let lines = list.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        try #require(lines.count == 4)
        #expect(matches(lines[0], "1\t\tread\t" + timestampPattern + "\t-\t-"))
        #expect(matches(lines[1], "2\tmy app\twrite\t" + timestampPattern + "\t-\t-"))
        #expect(matches(lines[2], "3\tÜnïcode ✓\tread\t" + timestampPattern + "\t-\t-"))
        #expect(lines[3] == "")
        for line in lines.dropLast() { #expect(line.split(separator: "\t", omittingEmptySubsequences: false).count == 6) }
    }

    @Test("tokens create refuses a label that would break the tab-separated list", arguments: ["a\tb", "a\nb", String(repeating: "l", count: 101)])
    func createRefusesBadLabel(_ label: String) async throws {
        let sandbox = try await Self.sandboxWithAlice()
        defer { sandbox.removeAll() }

        let result = try await sandbox.run(["tokens", "create", "alice", "--label", label])
        #expect(result.status != 0)
        #expect(result.stdout == "")
        #expect(result.stderr == "Error: a label is at most 100 characters without control characters\n")
        #expect(try await sandbox.run(["tokens", "list", "alice"]).stdout == "")
    }

    @Test("tokens list --json prints an array of objects with exactly id, label, permission, created, last_used, revoked")
    func listJSON() async throws {
        let sandbox = try await Self.sandboxWithAlice()
        defer { sandbox.removeAll() }

        let empty = try await sandbox.run(["tokens", "list", "alice", "--json"])
        #expect(empty.status == 0)
        #expect(empty.stdout == "[]\n")

        _ = try await sandbox.run(["tokens", "create", "alice", "--label", #"say "hi""#])
        _ = try await sandbox.run(["tokens", "create", "alice", "--write", "--label", "my app"])
        #expect(try await sandbox.run(["tokens", "revoke", "2"]).status == 0)

        let list = try await sandbox.run(["tokens", "list", "alice", "--json"])
        #expect(list.status == 0)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        try #require(array.count == 2)
        for object in array {
            #expect(Set(object.keys) == ["id", "label", "permission", "created", "last_used", "revoked"])
        }
        #expect(array[0]["id"] as? Int == 1)
        #expect(array[0]["label"] as? String == #"say "hi""#)
        #expect(array[0]["permission"] as? String == "read")
        #expect(matches(try #require(array[0]["created"] as? String), timestampPattern))
        #expect(array[0]["last_used"] is NSNull)
        #expect(array[0]["revoked"] is NSNull)
        #expect(array[1]["id"] as? Int == 2)
        #expect(array[1]["label"] as? String == "my app")
        #expect(array[1]["permission"] as? String == "write")
        #expect(array[1]["last_used"] is NSNull)
        #expect(matches(try #require(array[1]["revoked"] as? String), timestampPattern))
    }

    @Test("tokens revoke marks the token revoked in the list; it prints nothing on stdout")
    func revoke() async throws {
        let sandbox = try await Self.sandboxWithAlice()
        defer { sandbox.removeAll() }
        _ = try await sandbox.run(["tokens", "create", "alice", "--write", "--label", "app"])
        _ = try await sandbox.run(["tokens", "create", "alice", "--label", "other"])

        let revoke = try await sandbox.run(["tokens", "revoke", "1"])
        #expect(revoke.status == 0)
        #expect(revoke.stdout == "")
        #expect(revoke.stderr == "revoked token 1\n")

        let lines = try await sandbox.run(["tokens", "list", "alice"]).stdout.split(separator: "\n")
        try #require(lines.count == 2)
        #expect(matches(lines[0], "1\tapp\twrite\t" + timestampPattern + "\t-\t" + timestampPattern))
        #expect(matches(lines[1], "2\tother\tread\t" + timestampPattern + "\t-\t-"))
    }

    @Test("tokens revoke and regenerate of an unknown id fail with a one-line error", arguments: [["revoke"], ["regenerate"]])
    func unknownTokenID(_ command: [String]) async throws {
        let sandbox = try await Self.sandboxWithAlice()
        defer { sandbox.removeAll() }
        _ = try await sandbox.run(["tokens", "create", "alice"])

        let result = try await sandbox.run(["tokens"] + command + ["99"])
        #expect(result.status != 0)
        #expect(result.stdout == "")
        #expect(result.stderr == "Error: no token with id 99\n")
        #expect(matches(try await sandbox.run(["tokens", "list", "alice"]).stdout, "1\t\tread\t" + timestampPattern + "\t-\t-\n"))
    }

    @Test("tokens revoke and regenerate refuse an id that is not a number", arguments: [["revoke"], ["regenerate"]])
    func nonNumericTokenID(_ command: [String]) async throws {
        let sandbox = try await Self.sandboxWithAlice()
        defer { sandbox.removeAll() }

        let result = try await sandbox.run(["tokens"] + command + ["abc"])
        #expect(result.status != 0)
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("Error: "))
    }

    @Test("tokens regenerate prints a new token alone, keeping id, label and permission")
    func regenerate() async throws {
        let sandbox = try await Self.sandboxWithAlice()
        defer { sandbox.removeAll() }
        let old = try await sandbox.run(["tokens", "create", "alice", "--write", "--label", "app"]).stdout
        let before = try await sandbox.run(["tokens", "list", "alice"]).stdout

        let regenerate = try await sandbox.run(["tokens", "regenerate", "1"])
        #expect(regenerate.status == 0)
        #expect(matches(regenerate.stdout, tokenPattern + "\n"))
        #expect(regenerate.stdout != old)
        #expect(regenerate.stderr == "")
        #expect(try await sandbox.run(["tokens", "list", "alice"]).stdout == before)

        let again = try await sandbox.run(["tokens", "regenerate", "1"])
        #expect(again.status == 0)
        #expect(matches(again.stdout, tokenPattern + "\n"))
        #expect(again.stdout != regenerate.stdout)
    }

    @Test("tokens regenerate refuses a revoked token")
    func regenerateRevoked() async throws {
        let sandbox = try await Self.sandboxWithAlice()
        defer { sandbox.removeAll() }
        _ = try await sandbox.run(["tokens", "create", "alice", "--write"])
        _ = try await sandbox.run(["tokens", "revoke", "1"])

        let result = try await sandbox.run(["tokens", "regenerate", "1"])
        #expect(result.status != 0)
        #expect(result.stdout == "")
        #expect(result.stderr == "Error: token 1 is revoked; create a new one instead\n")
    }
}

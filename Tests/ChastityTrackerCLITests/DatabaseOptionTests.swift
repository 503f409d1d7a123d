import Foundation
import Testing

@Suite("--database and CT_DATABASE")
struct DatabaseOptionTests {
    @Test("CT_DATABASE names the database when --database is absent")
    func environmentUsedWithoutFlag() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let environment = ["CT_DATABASE": sandbox.databasePath]

        let add = try await CLISandbox.run(["users", "add", "alice"], environment: environment, in: sandbox.directory)
        #expect(add.status == 0)
        #expect(FileManager.default.fileExists(atPath: sandbox.databasePath))
        #expect(!FileManager.default.fileExists(atPath: sandbox.directory.appendingPathComponent("chastity-tracker.sqlite").path))
        // The same file seen through the flag, and through the variable again.
        #expect(try await sandbox.run(["users", "list"]).stdout.hasPrefix("alice\tUTC\t"))
        let list = try await CLISandbox.run(["users", "list"], environment: environment, in: sandbox.directory)
        #expect(list.stdout.hasPrefix("alice\tUTC\t"))
    }

    @Test("--database wins over CT_DATABASE")
    func flagWinsOverEnvironment() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let other = sandbox.directory.appendingPathComponent("other.sqlite").path
        let environment = ["CT_DATABASE": other]

        let add = try await CLISandbox.run(
            ["users", "add", "alice", "--database", sandbox.databasePath], environment: environment, in: sandbox.directory)
        #expect(add.status == 0)
        #expect(try await sandbox.run(["users", "list"]).stdout.hasPrefix("alice\tUTC\t"))
        let viaEnvironment = try await CLISandbox.run(["users", "list"], environment: environment, in: sandbox.directory)
        #expect(viaEnvironment.status == 0)
        #expect(viaEnvironment.stdout == "")
    }

    @Test("without either, the database is ./chastity-tracker.sqlite in the working directory")
    func defaultPath() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }

        let add = try await CLISandbox.run(["users", "add", "alice"], in: sandbox.directory)
        #expect(add.status == 0)
        let defaultPath = sandbox.directory.appendingPathComponent("chastity-tracker.sqlite").path
        #expect(FileManager.default.fileExists(atPath: defaultPath))
        let list = try await CLISandbox.run(["users", "list", "--database", defaultPath], in: sandbox.directory)
        #expect(list.stdout.hasPrefix("alice\tUTC\t"))
    }

    @Test("a database that cannot be opened is a one-line error")
    func unopenableDatabase() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        let path = sandbox.directory.appendingPathComponent("missing-dir/db.sqlite").path

        let result = try await CLISandbox.run(["users", "list", "--database", path], in: sandbox.directory)
        #expect(result.status != 0)
        #expect(result.stdout == "")
        #expect(result.stderr == "Error: cannot open the database \(path)\n")
    }
}

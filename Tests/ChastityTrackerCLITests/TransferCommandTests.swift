import Foundation
import Testing

@Suite("export and import")
struct TransferCommandTests {
    /// Four records covering every column: escaping, non-ASCII text, null, booleans, a dom item
    /// that asks to be public with a grantor, and a pre-1970 insertion time.
    static let importFile = """
        [
        {"id":10,"date":"2025-11-28","mode":"full","public":1,"type":"Stroke","grantedby":"Mistress","inserted":"2025-11-28 10:12:30.123"},
        {"id":11,"date":"2025-02-28","mode":"dom","public":1,"type":"He said \\"hi\\", twice","grantedby":"Ignored","inserted":"2026-01-01 00:00:00.000"},
        {"id":12,"date":"2024-02-29","mode":"ruined","public":0,"type":null,"grantedby":"K, the keyholder","inserted":"1999-12-31 23:59:59.999"},
        {"date":"2000-01-01","mode":"ted","public":true,"type":"  Ströke 🍆  ","inserted":"1969-07-20 20:17:40.000"}
        ]
        """

    static let expectedJSON = """
        [
        {"id":1,"date":"2025-11-28","mode":"full","public":1,"type":"Stroke","grantedby":"Mistress","inserted":"2025-11-28 10:12:30.123"},
        {"id":2,"date":"2025-02-28","mode":"dom","public":0,"type":"He said \\"hi\\", twice","grantedby":null,"inserted":"2026-01-01 00:00:00.000"},
        {"id":3,"date":"2024-02-29","mode":"ruined","public":0,"type":null,"grantedby":"K, the keyholder","inserted":"1999-12-31 23:59:59.999"},
        {"id":4,"date":"2000-01-01","mode":"ted","public":1,"type":"Ströke 🍆","grantedby":null,"inserted":"1969-07-20 20:17:40.000"}
        ]

        """

    static let expectedCSV = """
        id,date,mode,public,type,grantedby,inserted
        1,2025-11-28,full,1,Stroke,Mistress,2025-11-28 10:12:30.123
        2,2025-02-28,dom,0,"He said ""hi"", twice",,2026-01-01 00:00:00.000
        3,2024-02-29,ruined,0,,"K, the keyholder",1999-12-31 23:59:59.999
        4,2000-01-01,ted,1,Ströke 🍆,,1969-07-20 20:17:40.000

        """

    /// A sandbox with alice (and bob) and a file holding `text`.
    static func sandbox(file text: String) async throws -> (CLISandbox, String) {
        let sandbox = try CLISandbox()
        try #require(try await sandbox.run(["users", "add", "alice"]).status == 0)
        try #require(try await sandbox.run(["users", "add", "bob"]).status == 0)
        let path = sandbox.directory.appendingPathComponent("import.json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return (sandbox, path)
    }

    @Test("import adds every record of the file with new ids and their own insertion times; export json writes them exactly")
    func importThenExportJSON() async throws {
        let (sandbox, path) = try await Self.sandbox(file: Self.importFile)
        defer { sandbox.removeAll() }

        let result = try await sandbox.run(["import", "alice", path])
        #expect(result.status == 0)
        #expect(result.stdout == "")
        #expect(result.stderr == "imported 4 records for alice\n")

        let export = try await sandbox.run(["export", "alice"])
        #expect(export.status == 0)
        #expect(export.stderr == "")
        #expect(export.stdout == Self.expectedJSON)
        #expect(try await sandbox.run(["export", "alice", "--format", "json"]).stdout == Self.expectedJSON)
        #expect(try await sandbox.run(["export", "bob"]).stdout == "[]\n")
    }

    @Test("export csv writes a header and one quoted-where-needed line per record")
    func exportCSV() async throws {
        let (sandbox, path) = try await Self.sandbox(file: Self.importFile)
        defer { sandbox.removeAll() }
        try #require(try await sandbox.run(["import", "alice", path]).status == 0)

        let export = try await sandbox.run(["export", "alice", "--format", "csv"])
        #expect(export.status == 0)
        #expect(export.stdout == Self.expectedCSV)
        #expect(try await sandbox.run(["export", "bob", "--format", "csv"]).stdout == "id,date,mode,public,type,grantedby,inserted\n")
    }

    @Test("export refuses an unknown format")
    func exportUnknownFormat() async throws {
        let (sandbox, _) = try await Self.sandbox(file: "[]")
        defer { sandbox.removeAll() }

        let result = try await sandbox.run(["export", "alice", "--format", "xml"])
        #expect(result.status != 0)
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("Error: "))
    }

    @Test("importing what export wrote gives an identical export, except the ids")
    func roundTrip() async throws {
        let (sandbox, path) = try await Self.sandbox(file: Self.importFile)
        defer { sandbox.removeAll() }
        try #require(try await sandbox.run(["import", "alice", path]).status == 0)
        // bob already has a record, so his copies get different ids.
        let one = sandbox.directory.appendingPathComponent("one.json").path
        try Data(#"[{"date":"2025-01-01","mode":"milking","inserted":"2025-01-01 08:00:00.000"}]"#.utf8).write(to: URL(fileURLWithPath: one))
        try #require(try await sandbox.run(["import", "bob", one]).status == 0)

        let aliceExport = try await sandbox.run(["export", "alice"]).stdout
        let exported = sandbox.directory.appendingPathComponent("alice-export.json").path
        try Data(aliceExport.utf8).write(to: URL(fileURLWithPath: exported))
        let result = try await sandbox.run(["import", "bob", exported])
        #expect(result.status == 0)
        #expect(result.stderr == "imported 4 records for bob\n")

        let bobExport = try await sandbox.run(["export", "bob"]).stdout
        let bobLines = bobExport.split(separator: "\n", omittingEmptySubsequences: false)
        let aliceLines = aliceExport.split(separator: "\n", omittingEmptySubsequences: false)
        try #require(bobLines.count == aliceLines.count + 1)
        #expect(
            bobLines[1]
                == #"{"id":5,"date":"2025-01-01","mode":"milking","public":0,"type":null,"grantedby":null,"inserted":"2025-01-01 08:00:00.000"},"#)
        let withoutIDs = { (line: Substring) in line.replacing(/"id":\d+,/, with: "") }
        #expect(Array(bobLines[2...]).map(withoutIDs) == Array(aliceLines[1...]).map(withoutIDs))
        #expect(bobLines[2].hasPrefix(#"{"id":6,"#))
        #expect(aliceLines[1].hasPrefix(#"{"id":1,"#))

        let aliceCSV = try await sandbox.run(["export", "alice", "--format", "csv"]).stdout.split(separator: "\n")
        let bobCSV = try await sandbox.run(["export", "bob", "--format", "csv"]).stdout.split(separator: "\n")
        let withoutID = { (line: Substring) in line.drop { $0 != "," } }
        #expect(bobCSV.dropFirst(2).map(withoutID) == aliceCSV.dropFirst().map(withoutID))
    }

    @Test("an empty array imports nothing and succeeds")
    func importEmptyArray() async throws {
        let (sandbox, path) = try await Self.sandbox(file: "[]")
        defer { sandbox.removeAll() }

        let result = try await sandbox.run(["import", "alice", path])
        #expect(result.status == 0)
        #expect(result.stderr == "imported 0 records for alice\n")
        #expect(try await sandbox.run(["export", "alice"]).stdout == "[]\n")
    }

    struct BadFile: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var error: String
        var testDescription: String { name }
    }

    @Test(
        "a file with one bad item imports nothing and fails with a one-line error naming the item",
        arguments: [
            BadFile(
                name: "bad mode last",
                text: #"[{"date":"2025-06-01","mode":"full"},{"date":"2025-06-02","mode":"full"},{"date":"2025-06-03","mode":"bogus"}]"#,
                error: "Error: item 2: mode must be one of full, ruined, milking, dom, ted\n"),
            BadFile(
                name: "future date first", text: #"[{"date":"2999-01-01","mode":"full"},{"date":"2025-06-02","mode":"full"}]"#,
                error: "Error: item 0: date may not be in the future (today is \(todayUTC()) in the owner's time zone)\n"),
            BadFile(
                name: "type too long",
                text: #"[{"date":"2025-06-01","mode":"full"},{"date":"2025-06-02","mode":"full","type":"\#(String(repeating: "x", count: 101))"}]"#,
                error: "Error: item 1: type may be at most 100 characters\n"),
            BadFile(
                name: "unknown field", text: #"[{"date":"2025-06-01","mode":"full","colour":"red"}]"#,
                error: "Error: item 0: unknown field 'colour'; allowed: date, mode, public, type, grantedby, number\n"),
            BadFile(
                name: "bad inserted",
                text: #"[{"date":"2025-06-01","mode":"full"},{"date":"2025-06-01","mode":"full","inserted":"2025-06-01T10:00:00Z"}]"#,
                error: "Error: item 1: inserted must be written YYYY-MM-DD HH:MM:SS.mmm\n"),
            BadFile(
                name: "not an object", text: #"[{"date":"2025-06-01","mode":"full"},42]"#,
                error: "Error: item 1 is not an object\n"),
        ])
    func importIsAllOrNothing(_ bad: BadFile) async throws {
        let (sandbox, path) = try await Self.sandbox(file: bad.text)
        defer { sandbox.removeAll() }

        let result = try await sandbox.run(["import", "alice", path])
        #expect(result.status != 0)
        #expect(result.stdout == "")
        #expect(result.stderr == bad.error)
        #expect(try await sandbox.run(["export", "alice"]).stdout == "[]\n")
    }

    @Test(
        "a file that is not a JSON array of items is refused with a one-line error",
        arguments: [
            "{not json", #"{"date":"2025-06-01","mode":"full"}"#, "", "null", "\u{FEFF}[", "[1,2",
        ])
    func importRefusesInvalidJSON(_ text: String) async throws {
        let (sandbox, path) = try await Self.sandbox(file: text)
        defer { sandbox.removeAll() }

        let result = try await sandbox.run(["import", "alice", path])
        #expect(result.status != 0)
        #expect(result.stdout == "")
        #expect(result.stderr == "Error: the file must hold a JSON array of items, as export writes\n")
        #expect(try await sandbox.run(["export", "alice"]).stdout == "[]\n")
    }

    @Test("a file that is not UTF-8 is refused")
    func importRefusesNonUTF8() async throws {
        let (sandbox, path) = try await Self.sandbox(file: "")
        defer { sandbox.removeAll() }
        try Data([0x5B, 0x22, 0xFF, 0x22, 0x5D]).write(to: URL(fileURLWithPath: path))

        let result = try await sandbox.run(["import", "alice", path])
        #expect(result.status != 0)
        #expect(result.stderr == "Error: the file must hold a JSON array of items, as export writes\n")
    }

    @Test("importing a missing file fails with a one-line error naming it")
    func importMissingFile() async throws {
        let (sandbox, _) = try await Self.sandbox(file: "[]")
        defer { sandbox.removeAll() }
        let missing = sandbox.directory.appendingPathComponent("nope.json").path

        let result = try await sandbox.run(["import", "alice", missing])
        #expect(result.status != 0)
        #expect(result.stdout == "")
        #expect(result.stderr == "Error: cannot read the file '\(missing)'\n")
    }
}

/// Today's date in UTC, as the import rule for a UTC user sees it.
func todayUTC() -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd"
    return formatter.string(from: Date())
}

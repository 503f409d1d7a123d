import Foundation
import Testing

/// What export writes for spreadsheet formulas, and the limits import keeps: the server's
/// earliest date and a bounded file.
@Suite("export and import: formulas, earliest date, file size")
struct TransferLimitsTests {
    @Test("export csv writes a ' before text that a spreadsheet would run as a formula; json keeps it as is")
    func csvNeutralisesFormulas() async throws {
        let file = #"""
            [
            {"date":"2025-01-01","mode":"full","type":"=cmd|' /C calc'!A0","grantedby":"+1","inserted":"2025-01-01 08:00:00.000"},
            {"date":"2025-01-02","mode":"full","type":"-2+3","grantedby":"@SUM(A1:A9)","inserted":"2025-01-02 08:00:00.000"},
            {"date":"2025-01-03","mode":"full","type":"=HYPERLINK(\"http://x\",\"y\")","grantedby":"K - keyholder","inserted":"2025-01-03 08:00:00.000"}
            ]
            """#
        let (sandbox, path) = try await TransferCommandTests.sandbox(file: file)
        defer { sandbox.removeAll() }
        try #require(try await sandbox.run(["import", "alice", path]).status == 0)

        let csv = try await sandbox.run(["export", "alice", "--format", "csv"])
        #expect(csv.status == 0)
        #expect(
            csv.stdout == #"""
                id,date,mode,public,type,grantedby,inserted
                1,2025-01-01,full,0,'=cmd|' /C calc'!A0,'+1,2025-01-01 08:00:00.000
                2,2025-01-02,full,0,'-2+3,'@SUM(A1:A9),2025-01-02 08:00:00.000
                3,2025-01-03,full,0,"'=HYPERLINK(""http://x"",""y"")",K - keyholder,2025-01-03 08:00:00.000

                """#)
        let json = try await sandbox.run(["export", "alice"])
        #expect(json.stdout.contains(#""type":"=cmd|' /C calc'!A0","grantedby":"+1""#))
    }

    static let early = #"[{"date":"2025-06-02","mode":"full"},{"date":"2019-12-31","mode":"full"}]"#

    @Test("import refuses a date before --earliest-date, as the server would, and imports nothing")
    func importHonoursTheEarliestDateFlag() async throws {
        let (sandbox, path) = try await TransferCommandTests.sandbox(file: Self.early)
        defer { sandbox.removeAll() }

        let refused = try await sandbox.run(["import", "alice", path, "--earliest-date", "2020-01-01"])
        #expect(refused.status == 1)
        #expect(refused.stdout == "")
        #expect(refused.stderr == "Error: item 1: date may not be earlier than 2020-01-01\n")
        #expect(try await sandbox.run(["export", "alice"]).stdout == "[]\n")

        // The flag wins over CT_EARLIEST_DATE; on the boundary the date is accepted.
        let accepted = try await sandbox.run(
            ["import", "alice", path, "--earliest-date", "2019-12-31"], environment: ["CT_EARLIEST_DATE": "2020-01-01"])
        #expect(accepted.status == 0)
        #expect(accepted.stderr == "imported 2 records for alice\n")
    }

    @Test("import refuses a date before CT_EARLIEST_DATE when no flag is given")
    func importHonoursTheEarliestDateVariable() async throws {
        let (sandbox, path) = try await TransferCommandTests.sandbox(file: Self.early)
        defer { sandbox.removeAll() }

        let refused = try await sandbox.run(["import", "alice", path], environment: ["CT_EARLIEST_DATE": "2020-01-01"])
        #expect(refused.status == 1)
        #expect(refused.stderr == "Error: item 1: date may not be earlier than 2020-01-01\n")
        #expect(try await sandbox.run(["export", "alice"]).stdout == "[]\n")
        // Without either, the server's default (1900-01-01) applies.
        let old = sandbox.directory.appendingPathComponent("old.json").path
        try Data(#"[{"date":"1899-12-31","mode":"full"}]"#.utf8).write(to: URL(fileURLWithPath: old))
        #expect(try await sandbox.run(["import", "alice", old]).stderr == "Error: item 0: date may not be earlier than 1900-01-01\n")
    }

    @Test(
        "an --earliest-date or CT_EARLIEST_DATE that is not a date is a one-line error",
        arguments: [
            (["--earliest-date", "2020-02-30"], [String: String](), "2020-02-30"),
            ([], ["CT_EARLIEST_DATE": "yesterday"], "yesterday"),
        ])
    func importRefusesABadEarliestDate(arguments: [String], environment: [String: String], shown: String) async throws {
        let (sandbox, path) = try await TransferCommandTests.sandbox(file: Self.early)
        defer { sandbox.removeAll() }
        let result = try await sandbox.run(["import", "alice", path] + arguments, environment: environment)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == "Error: --earliest-date must be a real date written YYYY-MM-DD, not '\(shown)'\n")
    }

    @Test("import refuses a file over 64 MiB with a one-line error, and reads one of exactly 64 MiB")
    func importRefusesAFileOver64MiB() async throws {
        let (sandbox, path) = try await TransferCommandTests.sandbox(file: "")
        defer { sandbox.removeAll() }
        let limit: UInt64 = 64 * 1024 * 1024
        // Sparse files: their size is what counts, not the disk they take.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: limit + 1)
        try handle.close()

        let refused = try await sandbox.run(["import", "alice", path])
        #expect(refused.status == 1)
        #expect(refused.stdout == "")
        #expect(refused.stderr == "Error: the file '\(path)' is larger than 64 MiB; split it and import the parts\n")

        // 64 MiB of zero bytes is read, and refused for what it holds.
        let exact = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try exact.truncate(atOffset: limit)
        try exact.close()
        let read = try await sandbox.run(["import", "alice", path])
        #expect(read.status == 1)
        #expect(read.stderr == "Error: the file must hold a JSON array of items, as export writes\n")
    }

    @Test("import of a file that never ends (/dev/zero) stops after 64 MiB instead of reading without bound")
    func importStopsOnAnEndlessFile() async throws {
        let (sandbox, _) = try await TransferCommandTests.sandbox(file: "")
        defer { sandbox.removeAll() }
        let result = try await sandbox.run(["import", "alice", "/dev/zero"])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: the file '/dev/zero' is larger than 64 MiB; split it and import the parts\n")
    }
}

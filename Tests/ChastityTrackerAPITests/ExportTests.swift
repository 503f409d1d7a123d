import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Testing

@testable import ChastityTrackerServer
@testable import ChastityTrackerServices

/// `export` over every backend: what it writes for text a spreadsheet would run.
@Suite("export on every backend")
struct ExportTests {
    static let inserted = Timestamp(millisecondsSinceEpoch: 1_768_471_950_123)

    static func record(_ date: String, type: String?, grantedBy: String?) -> NewOrgasm {
        NewOrgasm(date: LocalDate(date)!, mode: .full, isPublic: false, type: type, grantedBy: grantedBy, inserted: inserted)
    }

    /// Exports `user`'s records in `format` through the administration, as the command does.
    static func export(_ store: any ChastityStore, _ user: String, _ format: ExportFormat) async throws -> String {
        var text = ""
        try await Administration(store: store, configuration: Configuration()).export(userName: user, format: format) { text += $0 }
        return text
    }

    @Test(
        "CSV export writes a ' before a text cell that starts with = + - @ a tab or a carriage return; JSON keeps the text",
        // Each backend once: a fresh PostgreSQL database per test failed while the whole API suite
        // ran on that server (the CT_TEST_BACKEND=postgres pass), and the first pass covers it.
        arguments: TestBackend.selected.isPostgres ? [] : TestBackend.all)
    func csvNeutralisesFormulas(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.createUser(name: "alice", timeZone: "UTC", at: Self.inserted)
            // Tabs and carriage returns cannot come through the API or import (control
            // characters are refused); a database written otherwise, or copied, may hold them.
            let items = [
                Self.record("2026-01-01", type: "=1+2", grantedBy: "+1"),
                Self.record("2026-01-02", type: "-1", grantedBy: "@SUM(A1)"),
                Self.record("2026-01-03", type: "\tTab", grantedBy: "\rReturn"),
                Self.record("2026-01-04", type: #"=HYPERLINK("http://x","y")"#, grantedBy: "\r\nLine"),
                Self.record("2026-01-05", type: "a=1", grantedBy: "K - the keyholder"),
                Self.record("2026-01-06", type: "'quoted", grantedBy: " =spaced"),
            ]
            _ = try await store.insert(items, userID: alice.id)
            let inserted = Self.inserted.description
            let csv = try await Self.export(store, "alice", .csv)
            #expect(
                csv == """
                    id,date,mode,public,type,grantedby,inserted
                    1,2026-01-01,full,0,'=1+2,'+1,\(inserted)
                    2,2026-01-02,full,0,'-1,'@SUM(A1),\(inserted)
                    3,2026-01-03,full,0,'\tTab,"'\rReturn",\(inserted)
                    4,2026-01-04,full,0,"'=HYPERLINK(""http://x"",""y"")","'\r\nLine",\(inserted)
                    5,2026-01-05,full,0,a=1,K - the keyholder,\(inserted)
                    6,2026-01-06,full,0,'quoted, =spaced,\(inserted)

                    """, "\(csv.debugDescription)")
            let json = try await Self.export(store, "alice", .json)
            #expect(json.contains(#""type":"=1+2","grantedby":"+1""#))
            #expect(json.contains(#""type":"\tTab","grantedby":"\rReturn""#))
        }
    }

    @Test(
        "a CSV cell is quoted when it holds a quote, comma or line break scalar, and every quote scalar is doubled, a combining mark after it or not",
        arguments: [
            ("\"\u{301}", "\"\"\"\u{301}\""),
            ("a\"\u{301}b\"c", "\"a\"\"\u{301}b\"\"c\""),
            ("=\"\u{301}", "\"'=\"\"\u{301}\""),
            ("x,\u{301}", "\"x,\u{301}\""),
            ("x\n\u{301}", "\"x\n\u{301}\""),
            ("x\r\u{301}", "\"x\r\u{301}\""),
            (#"say "hi""#, #""say ""hi""""#),
            ("e\u{301}", "e\u{301}"),
        ])
    func csvCellQuotesByScalar(text: String, cell: String) {
        // Bytes, not String ==, which compares Characters.
        #expect(Array(Administration.csvCell(.string(text)).utf8) == Array(cell.utf8), "\(Administration.csvCell(.string(text)).debugDescription)")
    }
}

import ChastityTrackerServer
import Foundation
import HTTPTypes
import Testing

/// The error catalogue in code and the error table of docs/CONTRACT.md section 2 are one list:
/// a code added, removed or given another status in one place fails here until the other agrees.
@Suite struct ErrorCatalogueTests {
    /// `(status, code)` for every row of the contract's error table: `| 400 | `validation_error` | … |`.
    static func contractRows() throws -> Set<String> {
        let contract = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/CONTRACT.md")
        let text = try String(contentsOf: contract, encoding: .utf8)
        let row = try Regex(#"^\| (\d{3}) \| `([a-z_]+)` \|"#)
        var rows: Set<String> = []
        for line in text.split(separator: "\n") {
            if let match = try row.firstMatch(in: line) {
                rows.insert("\(match.output[1].substring!) \(match.output[2].substring!)")
            }
        }
        return rows
    }

    @Test("Every code in the catalogue is a row of the contract's table with the same status, and the reverse")
    func catalogueMatchesContract() throws {
        let catalogue = Set(ErrorCode.allCases.map { "\($0.status.code) \($0.rawValue)" })
        let contract = try Self.contractRows()
        #expect(contract.count >= 18, "the table was not found or not parsed: \(contract)")
        #expect(catalogue == contract)
    }
}

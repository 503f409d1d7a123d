import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Foundation
import PostgresNIO
import Testing

@testable import ChastityTrackerPostgres
@testable import ChastityTrackerSQLite

/// The export's page statement on each backend reads a range of an index in id order, so an
/// export is linear in the user's records (docs/BENCHMARKS.md, "Export"), not a sort of all of
/// them per page.
@Suite("Export plans")
struct ExportPlanTests {
    @Test("SQLite answers an export page from the user_id index as a rowid range, with no temporary sort")
    func sqliteExportPageIsARangeSearch() async throws {
        try await TestBackend(kind: .sqlite).withDatabase { path in
            let store = try await SQLiteStore.open(path: path, logger: TestBackend.logger)
            let plan = try await store.read { connection in
                var details: [String] = []
                try connection.query("EXPLAIN QUERY PLAN " + SQLiteStore.exportStatement, [.integer(1), .integer(500), .integer(500)]) {
                    details.append($0.text(3))
                }
                return details
            }
            try await store.close()
            // Before the index: "SEARCH orgasms USING COVERING INDEX orgasms_owner_page (user_id=?)"
            // and "USE TEMP B-TREE FOR ORDER BY".
            #expect(plan == ["SEARCH orgasms USING INDEX orgasms_owner_id (user_id=? AND rowid>?)"])
        }
    }

    @Test("PostgreSQL answers an export page by an index scan of (user_id, id), with no Sort", arguments: TestBackend.postgres)
    func postgresExportPageIsAnIndexRange(backend: TestBackend) async throws {
        try await backend.withDatabase { url in
            let store = try await PostgresStore.open(url: url, poolSize: 2, connectionWait: .seconds(20), logger: TestBackend.logger)
            // Alice's records are a tenth of the table, between bob's, as on a shared server:
            // walking the primary key would pass nine of bob's for each of hers.
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            for batch in 0..<10 {
                for (user, count) in [(alice, 200), (bob, 1800)] {
                    _ = try await store.insert((0..<count).map { _ in record("2025-0\(batch % 9 + 1)-01") }, userID: user.id)
                }
            }
            try await store.close()

            let connection = try await PostgresServer(url: url).connect()
            do {
                try await connection.query("ANALYZE orgasms", logger: TestBackend.logger)
                var bindings = PostgresBindings()
                bindings.append(alice.id)
                bindings.append(Int64(0))
                bindings.append(Int64(500))
                let rows = try await connection.query(
                    PostgresQuery(unsafeSQL: "EXPLAIN " + PostgresStore.exportStatement, binds: bindings), logger: TestBackend.logger
                )
                var plan: [String] = []
                for try await line in rows.decode(String.self) { plan.append(line) }
                try await connection.close()
                let text = plan.joined(separator: "\n")
                #expect(plan.first?.hasPrefix("Limit") == true, "\(text)")
                #expect(plan.dropFirst().first?.contains("Index Scan using orgasms_owner_id on orgasms") == true, "\(text)")
                #expect(plan.contains { $0.contains("Index Cond: ((user_id = ") && $0.contains(" AND (id > ") }, "\(text)")
                #expect(!text.contains("Sort"), "\(text)")
            } catch {
                try? await connection.close()
                throw error
            }
        }
    }
}

import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Foundation
import PostgresNIO
import Testing

@testable import ChastityTrackerPostgres
@testable import ChastityTrackerSQLite

/// The overview's counts read only the signed-in user's index range between the two dates, never
/// other users' rows or the whole table.
@Suite("Monthly count plans")
struct MonthlyCountsPlanTests {
    @Test("SQLite answers the monthly counts from a (user_id, date) range of the covering list index")
    func sqliteMonthlyCountsIsARangeSearch() async throws {
        try await TestBackend(kind: .sqlite).withDatabase { path in
            let store = try await SQLiteStore.open(path: path, logger: TestBackend.logger)
            let plan = try await store.read { connection in
                var details: [String] = []
                try connection.query(
                    "EXPLAIN QUERY PLAN " + SQLiteStore.monthlyCountsStatement, [.integer(1), .text("2025-04-01"), .text("2026-03-31")]
                ) { details.append($0.text(3)) }
                return details
            }
            try await store.close()
            #expect(plan.first == "SEARCH orgasms USING COVERING INDEX orgasms_owner_page (user_id=? AND date>? AND date<?)", "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
        }
    }

    @Test("PostgreSQL answers the monthly counts from a (user_id, date) range of orgasms_owner_page", arguments: TestBackend.postgres)
    func postgresMonthlyCountsIsAnIndexRange(backend: TestBackend) async throws {
        try await backend.withDatabase { url in
            let store = try await PostgresStore.open(url: url, poolSize: 2, connectionWait: .seconds(20), logger: TestBackend.logger)
            // Alice's records are a tenth of the table, spread over two years, between bob's.
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            for batch in 0..<10 {
                for (user, count) in [(alice, 200), (bob, 1800)] {
                    _ = try await store.insert((0..<count).map { index in record("202\(4 + index % 2)-0\(batch % 9 + 1)-01") }, userID: user.id)
                }
            }
            try await store.close()

            let connection = try await PostgresServer(url: url).connect()
            do {
                try await connection.query("ANALYZE orgasms", logger: TestBackend.logger)
                var bindings = PostgresBindings()
                bindings.append(alice.id)
                bindings.append("2025-04-01")
                bindings.append("2026-03-31")
                let rows = try await connection.query(
                    PostgresQuery(unsafeSQL: "EXPLAIN " + PostgresStore.monthlyCountsStatement, binds: bindings), logger: TestBackend.logger
                )
                var plan: [String] = []
                for try await line in rows.decode(String.self) { plan.append(line) }
                try await connection.close()
                let text = plan.joined(separator: "\n")
                #expect(
                    text.contains("Index Only Scan using orgasms_owner_page") || text.contains("Index Scan using orgasms_owner_page")
                        || text.contains("Bitmap Index Scan on orgasms_owner_page"), "\(text)")
                #expect(plan.contains { $0.contains("Index Cond: ((user_id = ") && $0.contains("(date >= ") && $0.contains("(date <= ") }, "\(text)")
                #expect(!text.contains("Seq Scan"), "\(text)")
            } catch {
                try? await connection.close()
                throw error
            }
        }
    }
}

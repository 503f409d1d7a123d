import ChastityTrackerCore
@testable import ChastityTrackerSQLite
import Foundation
import Testing

/// What only the SQLite backend has: its statements, its plans and its life cycle. The figures
/// these protect are in docs/BENCHMARKS.md.
@Suite("SQLite store")
struct SQLiteStoreTests {
    /// Every combination of the list's filters, so every statement the list can run is checked.
    static let queries: [OrgasmQuery] = {
        var queries: [OrgasmQuery] = []
        for from in [nil, day("2025-01-01")] {
            for to in [nil, day("2025-12-31")] {
                for isPublic in [nil, true] {
                    for mode in [nil, Mode.ruined] {
                        queries.append(OrgasmQuery(from: from, to: to, isPublic: isPublic, mode: mode, limit: 50, offset: 10))
                    }
                }
            }
        }
        return queries
    }()

    @Test("Every list statement reads its rows and its count from the covering index alone")
    func listStatementsUseTheCoveringIndex() async throws {
        try await withSQLiteStore { store in
            for query in Self.queries {
                let (count, page, bindings) = SQLiteStore.listStatements(userID: 1, matching: query)
                let countPlan = try await plan(count, bindings, on: store)
                let pagePlan = try await plan(page, bindings + [.integer(50), .integer(10)], on: store)
                // "USING COVERING INDEX": no lookup into the table per row; no "TEMP B-TREE": no sort.
                let range = (query.from == nil ? "" : " AND date>?") + (query.to == nil ? "" : " AND date<?")
                let expected = "SEARCH orgasms USING COVERING INDEX orgasms_owner_page (user_id=?\(range))"
                #expect(countPlan == [expected], "\(count)")
                #expect(pagePlan == [expected], "\(page)")
            }
        }
    }

    @Test("Cached statements are reused, not compiled again, when their values change between calls")
    func cachedStatementsAreNotReprepared() async throws {
        try await withSQLiteStore { store in
            var users: [User] = []
            for name in ["alice", "bob", "carol"] {
                let user = try await store.makeUser(name)
                _ = try await store.insert([record("2025-03-01"), record("2025-03-02", .ruined)], userID: user.id)
                users.append(user)
            }
            // Different users, limits and offsets through the same statements, as requests do.
            for (index, user) in users.enumerated() {
                for query in Self.queries {
                    let query = OrgasmQuery(from: query.from, to: query.to, isPublic: query.isPublic, mode: query.mode, limit: 1 + index, offset: index)
                    _ = try await store.orgasms(userID: user.id, matching: query)
                }
                _ = try await store.orgasm(id: Int64(index + 1), userID: user.id)
            }
            let reprepared = try await store.read { connection in
                Self.queries.flatMap { query -> [Int] in
                    let (count, page, _) = SQLiteStore.listStatements(userID: 1, matching: query)
                    return [connection.timesReprepared(count), connection.timesReprepared(page)]
                } + [connection.timesReprepared(SQLiteStore.detailsStatement)]
            }
            #expect(reprepared.count == 2 * Self.queries.count + 1)
            #expect(reprepared.allSatisfy { $0 == 0 }, "re-prepared: \(reprepared)")
        }
    }

    @Test("A statement given fewer or more values than it has parameters fails instead of reusing old ones")
    func wrongNumberOfBindingsFails() async throws {
        try await withSQLiteStore { store in
            for bindings: [SQLiteValue] in [[.integer(1)], [.integer(1), .integer(2), .integer(3)]] {
                let failure = try await store.read { connection -> SQLiteFailure? in
                    do {
                        try connection.query("SELECT id FROM orgasms WHERE id = ? AND user_id = ?", bindings)
                        return nil
                    } catch let failure as SQLiteFailure {
                        return failure
                    }
                }
                #expect(failure?.code == 25 /* SQLITE_RANGE */, "\(bindings.count) values: \(String(describing: failure))")
            }
        }
    }

    @Test("After close, reads and writes fail with unavailable")
    func closedStoreRefusesWork() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ct-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteStore.open(path: directory.appendingPathComponent("store.sqlite").path, logger: TestBackend.logger)
        let alice = try await store.makeUser("alice")
        try await store.close()
        await #expect(throws: StoreError.unavailable) { _ = try await store.users() }
        await #expect(throws: StoreError.unavailable) { _ = try await store.orgasms(userID: alice.id, matching: OrgasmQuery(limit: 10)) }
        await #expect(throws: StoreError.unavailable) { _ = try await store.insert([record("2025-01-01")], userID: alice.id) }
    }

    private func plan(_ sql: String, _ bindings: [SQLiteValue], on store: SQLiteStore) async throws -> [String] {
        try await store.read { connection in
            var details: [String] = []
            try connection.query("EXPLAIN QUERY PLAN " + sql, bindings) { details.append($0.text(3)) }
            return details
        }
    }

    private func withSQLiteStore(_ body: (SQLiteStore) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ct-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteStore.open(path: directory.appendingPathComponent("store.sqlite").path, logger: TestBackend.logger)
        do {
            try await body(store)
        } catch {
            try await store.close()
            throw error
        }
        try await store.close()
    }
}

import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Foundation
import Testing

@testable import ChastityTrackerSQLite

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

    @Test("Every list statement reads its rows and its count from the covering index alone, or the kept total")
    func listStatementsUseTheCoveringIndex() async throws {
        try await withSQLiteStore { store in
            for query in Self.queries {
                let (count, page, bindings) = SQLiteStore.listStatements(userID: 1, matching: query)
                let countPlan = try await plan(count, bindings, on: store)
                let pagePlan = try await plan(page, bindings + [.integer(50), .integer(10)], on: store)
                // "USING COVERING INDEX": no lookup into the table per row; no "TEMP B-TREE": no sort.
                let range = (query.from == nil ? "" : " AND date>?") + (query.to == nil ? "" : " AND date<?")
                let expected = "SEARCH orgasms USING COVERING INDEX orgasms_owner_page (user_id=?\(range))"
                let unfiltered = query.from == nil && query.to == nil && query.isPublic == nil && query.mode == nil
                #expect(countPlan == (unfiltered ? ["SEARCH orgasm_totals USING INTEGER PRIMARY KEY (rowid=?)"] : [expected]), "\(count)")
                #expect(pagePlan == [expected], "\(page)")
            }
        }
    }

    @Test("The total kept for an unfiltered list equals the count after inserts, a failed batch, deletes, a restore and a user's deletion")
    func keptTotalsFollowEveryWrite() async throws {
        try await withSQLiteStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            #expect(try await keptTotals(store) == [:])
            #expect(try await store.orgasms(userID: alice.id, matching: OrgasmQuery(limit: 1)).total == 0)

            let items = try await store.insert((1...5).map { record("2025-01-0\($0)") }, userID: alice.id)
            _ = try await store.insert([record("2025-02-01")], userID: bob.id)
            // A batch that fails after its rows went in (its idempotency key was never claimed)
            // rolls back whole, its count too.
            let unclaimed = IdempotencyCompletion(key: "never-claimed") { _ in StoredResponse(status: 201, body: "{}", location: nil) }
            await #expect(throws: StoreError.self) {
                _ = try await store.insert([record("2025-03-01"), record("2025-03-02")], userID: alice.id, completing: unclaimed)
            }
            #expect(try await store.delete(id: items[0].id, userID: alice.id))
            #expect(try await store.delete(id: items[0].id, userID: alice.id) == false)
            #expect(try await store.delete(id: items[1].id, userID: bob.id) == false)
            #expect(try await keptTotals(store) == [alice.id: 4, bob.id: 1])
            #expect(try await keptTotals(store) == countedTotals(store))
            #expect(try await store.orgasms(userID: alice.id, matching: OrgasmQuery(limit: 1)).total == 4)

            let snapshot = try await store.snapshot(of: alice)
            try await withSQLiteStore { copy in
                try await copy.restore(snapshot)
                #expect(try await keptTotals(copy) == [alice.id: 4])
                #expect(try await copy.orgasms(userID: alice.id, matching: OrgasmQuery(limit: 1)).total == 4)
            }

            #expect(try await store.deleteUser(id: alice.id))
            #expect(try await keptTotals(store) == [bob.id: 1])
            #expect(try await keptTotals(store) == countedTotals(store))
        }
    }

    @Test("A database made by an earlier version is migrated with its totals counted and its records listed as before")
    func earlierDatabaseIsMigrated() async throws {
        try await withDatabasePath { path in
            do {
                // The schema as version 2 left it, with rows written by that version.
                let old = try SQLiteConnection(path: path, readOnly: false)
                try old.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL)")
                for migration in SQLiteMigrations.all where migration.version <= 2 {
                    try old.execute(migration.sql)
                    try old.query("INSERT INTO schema_migrations (version, applied_ms) VALUES (?, 0)", [.integer(Int64(migration.version))])
                }
                try old.execute(
                    """
                    INSERT INTO users (id, name, time_zone, created_ms) VALUES (1, 'alice', 'UTC', 0), (2, 'bob', 'UTC', 0), (3, 'carol', 'UTC', 0);
                    INSERT INTO orgasms (user_id, date, mode, public, inserted_ms) VALUES
                        (1, '2025-01-01', 'full', 0, 0), (1, '2025-01-03', 'ruined', 1, 0), (1, '2025-01-02', 'full', 0, 0), (2, '2025-01-01', 'ted', 0, 0);
                    """)
            }
            let store = try await SQLiteStore.open(path: path, logger: TestBackend.logger)
            #expect(try await keptTotals(store) == [1: 3, 2: 1])
            let page = try await store.orgasms(userID: 1, matching: OrgasmQuery(limit: 2))
            #expect(page.total == 3)
            #expect(page.items.map(\.date.description) == ["2025-01-03", "2025-01-02"])
            #expect(try await store.orgasms(userID: 3, matching: OrgasmQuery(limit: 2)).total == 0)
            _ = try await store.insert([record("2025-02-01")], userID: 3)
            #expect(try await keptTotals(store) == [1: 3, 2: 1, 3: 1])
            try await store.close()
        }
    }

    private func keptTotals(_ store: SQLiteStore) async throws -> [Int64: Int64] {
        try await store.read { connection in
            var totals: [Int64: Int64] = [:]
            try connection.query("SELECT user_id, total FROM orgasm_totals WHERE total <> 0") { totals[$0.integer(0)] = $0.integer(1) }
            return totals
        }
    }

    private func countedTotals(_ store: SQLiteStore) async throws -> [Int64: Int64] {
        try await store.read { connection in
            var totals: [Int64: Int64] = [:]
            try connection.query("SELECT user_id, count(*) FROM orgasms GROUP BY user_id") { totals[$0.integer(0)] = $0.integer(1) }
            return totals
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
                    let query = OrgasmQuery(
                        from: query.from, to: query.to, isPublic: query.isPublic, mode: query.mode, limit: 1 + index, offset: index)
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

    @Test("A kept token lookup is served only while no connection committed: another store's revocation, time zone and record write are seen at once")
    func keptLookupsFollowOtherConnectionsCommits() async throws {
        try await withDatabasePath { path in
            let server = try await SQLiteStore.open(path: path, logger: TestBackend.logger)
            // The command line (or anything else writing the file) through connections of its own.
            let other = try await SQLiteStore.open(path: path, logger: TestBackend.logger)
            do {
                let alice = try await server.makeUser("alice")
                let token = try await server.createToken(userID: alice.id, label: "app", permission: .write, hash: "h1", at: at(1))
                let first = try #require(try await server.principal(forTokenHash: "h1"))
                #expect(try await server.principal(forTokenHash: "h1") == first)
                #expect(try server.withPrincipalMemo { $0.count } == 1)

                #expect(try await other.setTimeZone(userID: alice.id, timeZone: "Europe/Berlin"))
                #expect(try await server.principal(forTokenHash: "h1")?.timeZone == "Europe/Berlin")

                _ = try await other.insert([record("2025-01-01")], userID: alice.id)
                let afterWrite = try #require(try await server.principal(forTokenHash: "h1"))
                #expect(afterWrite.recordsState != first.recordsState)
                #expect(afterWrite.recordsState != nil)

                #expect(try await other.revokeToken(id: token.id, at: at(2)))
                #expect(try await server.principal(forTokenHash: "h1") == nil)
                #expect(try await server.principal(forTokenHash: "h1") == nil)
            } catch {
                try await other.close()
                try await server.close()
                throw error
            }
            try await other.close()
            try await server.close()
        }
    }

    @Test("The memo forgets what it kept at another version, and keeps nothing read before a version it has not seen")
    func memoKeepsOneVersion() {
        var memo = PrincipalMemo<Int>()
        let principal = Principal(
            tokenID: 1, userID: 2, timeZone: "UTC", permission: .read, lastUsed: nil, expires: nil, grantID: nil, recordsState: nil)
        #expect(memo.principal(for: "h", at: 7) == nil)
        memo.keep(principal, for: "h", at: 7)
        #expect(memo.principal(for: "h", at: 7) == principal)
        #expect(memo.principal(for: "h", at: 8) == nil)
        #expect(memo.count == 0)
        memo.keep(principal, for: "h", at: 7)
        #expect(memo.principal(for: "h", at: 8) == nil)
        #expect(memo.count == 0)
    }

    @Test(
        "The WAL-index header's version holds across reads and moves with every commit: another connection's, and one after a checkpoint started the WAL over"
    )
    func walIndexVersionFollowsCommits() async throws {
        try await withDatabasePath { path in
            let store = try await SQLiteStore.open(path: path, logger: TestBackend.logger)
            do {
                let alice = try await store.makeUser("alice")
                let header = try #require(store.walIndex)
                let start = try #require(header.version())
                _ = try await store.users()
                #expect(header.version() == start)

                // Another program's connection, outside the store's queue and transactions.
                let other = try SQLiteConnection(path: path, readOnly: false)
                try other.execute("UPDATE users SET time_zone = 'Europe/Berlin' WHERE id = \(alice.id)")
                let afterWrite = try #require(header.version())
                #expect(afterWrite != start)
                try other.execute("SELECT count(*) FROM users")
                #expect(header.version() == afterWrite)

                // TRUNCATE copies every frame into the database and empties the WAL, so the next
                // commit writes the WAL's first frames again: its version must still be a new one.
                try other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                let restarted = try #require(header.version())
                try other.execute("UPDATE users SET time_zone = 'Asia/Tokyo' WHERE id = \(alice.id)")
                let afterRestart = try #require(header.version())
                let versions = [start, afterWrite, restarted, afterRestart]
                for (index, version) in versions.enumerated() {
                    #expect(!versions[(index + 1)...].contains(version), "version \(index) seen again")
                }
                #expect(try await store.principal(forTokenHash: "none") == nil)
                #expect(try await store.users().first?.timeZone == "Asia/Tokyo")
            } catch {
                try await store.close()
                throw error
            }
            try await store.close()
        }
    }

    @Test("A database not in WAL mode has no WAL-index header to read, and asking for it creates no -shm file")
    func noWALIndexOutsideWALMode() async throws {
        try await withDatabasePath { path in
            let connection = try SQLiteConnection(path: path, readOnly: false)
            try connection.execute("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)")
            #expect(try WALIndexHeader(of: connection) == nil)
            #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
            #expect(try WALIndexHeader(of: SQLiteConnection(path: ":memory:", readOnly: false)) == nil)
        }
    }

    @Test("After close, reads (a kept token lookup too) and writes fail with unavailable")
    func closedStoreRefusesWork() async throws {
        try await withDatabasePath { path in
            let store = try await SQLiteStore.open(path: path, logger: TestBackend.logger)
            let alice = try await store.makeUser("alice")
            _ = try await store.createToken(userID: alice.id, label: "app", permission: .read, hash: "h1", at: at(1))
            #expect(try await store.principal(forTokenHash: "h1") != nil)
            #expect(try store.withPrincipalMemo { $0.count } == 1)
            try await store.close()
            // Not even a token lookup kept from before.
            await #expect(throws: StoreError.unavailable) { _ = try await store.principal(forTokenHash: "h1") }
            await #expect(throws: StoreError.unavailable) { _ = try await store.users() }
            await #expect(throws: StoreError.unavailable) { _ = try await store.orgasms(userID: alice.id, matching: OrgasmQuery(limit: 10)) }
            await #expect(throws: StoreError.unavailable) { _ = try await store.insert([record("2025-01-01")], userID: alice.id) }
        }
    }

    private func plan(_ sql: String, _ bindings: [SQLiteValue], on store: SQLiteStore) async throws -> [String] {
        try await store.read { connection in
            var details: [String] = []
            try connection.query("EXPLAIN QUERY PLAN " + sql, bindings) { details.append($0.text(3)) }
            return details
        }
    }

    /// A fresh, open store that is closed (and its file removed) afterwards.
    private func withSQLiteStore(_ body: (SQLiteStore) async throws -> Void) async throws {
        try await withDatabasePath { path in
            let store = try await SQLiteStore.open(path: path, logger: TestBackend.logger)
            do {
                try await body(store)
            } catch {
                try await store.close()
                throw error
            }
            try await store.close()
        }
    }

    /// A database path in a directory of its own, removed afterwards.
    private func withDatabasePath(_ body: (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ct-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(directory.appendingPathComponent("store.sqlite").path)
    }
}

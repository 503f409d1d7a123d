import ChastityTrackerDomain
import ChastityTrackerTestSupport
import PostgresNIO
import Testing

@testable import ChastityTrackerPostgres

/// The per-user totals PostgreSQL keeps for the record quota (migration 3).
@Suite("PostgreSQL kept totals")
struct PostgresTotalsTests {
    @Test("The kept total equals the count after inserts, a failed batch, deletes, a restore and a user's deletion", arguments: TestBackend.postgres)
    func keptTotalsFollowEveryWrite(backend: TestBackend) async throws {
        try await backend.withDatabase { url in
            try await withOpen(url) { (store: PostgresStore) async throws in
                let alice = try await store.makeUser("alice")
                let bob = try await store.makeUser("bob")
                #expect(try await keptTotals(store) == [:])

                let items = try await store.insert((1...5).map { record("2025-01-0\($0)") }, userID: alice.id)
                _ = try await store.insert([record("2025-02-01")], userID: bob.id, quota: 10, completing: nil)
                // A batch that fails after its rows went in (its key was never claimed) rolls back
                // whole, its count too.
                let unclaimed = IdempotencyCompletion(key: "never-claimed") { _ in StoredResponse(status: 201, body: "{}", location: nil) }
                await #expect(throws: StoreError.self) {
                    _ = try await store.insert([record("2025-03-01"), record("2025-03-02")], userID: alice.id, quota: 10, completing: unclaimed)
                }
                #expect(try await keptTotals(store) == [alice.id: 5, bob.id: 1])
                #expect(try await store.delete(id: items[0].id, userID: alice.id))
                #expect(try await store.delete(id: items[0].id, userID: alice.id) == false)
                #expect(try await store.delete(id: items[1].id, userID: bob.id) == false)
                #expect(try await keptTotals(store) == [alice.id: 4, bob.id: 1])
                #expect(try await keptTotals(store) == countedTotals(store))

                // A restore into another database is counted there.
                let snapshot = try await store.snapshot(of: alice)
                try await backend.withDatabase { copyURL in
                    try await withOpen(copyURL) { copy in
                        try await copy.restore(snapshot)
                        #expect(try await keptTotals(copy) == [alice.id: 4])
                        await #expect(throws: StoreError.quotaExceeded(quota: 4)) {
                            _ = try await copy.insert([record("2025-04-01")], userID: alice.id, quota: 4, completing: nil)
                        }
                    }
                }

                #expect(try await store.deleteUser(id: alice.id))
                #expect(try await keptTotals(store) == [bob.id: 1])
                #expect(try await keptTotals(store) == countedTotals(store))
            }
        }
    }

    @Test("Migration 3 counts the records an earlier version wrote", arguments: TestBackend.postgres)
    func migrationCountsExistingRecords(backend: TestBackend) async throws {
        try await backend.withDatabase { url in
            let first = try await open(url)
            let alice = try await first.makeUser("alice")
            let bob = try await first.makeUser("bob")
            _ = try await first.insert([record("2025-01-01"), record("2025-01-02"), record("2025-01-03")], userID: alice.id)
            _ = try await first.insert([record("2025-01-01")], userID: bob.id)
            // Back to the schema of version 2, keeping the rows that version wrote. Migration 9
            // (the changes feed) adds a column to the totals table, so it goes and comes back too.
            try await first.session { session in
                try await session.run("DROP TABLE tombstones")
                try await session.run("DROP TRIGGER change_feeds_start ON users")
                try await session.run("DROP FUNCTION change_feeds_start()")
                try await session.run("DROP TABLE change_feeds")
                try await session.run("ALTER TABLE orgasms DROP COLUMN created_state, DROP COLUMN changed_state")
                try await session.run("DELETE FROM schema_migrations WHERE version = 9")
                try await session.run("DROP TABLE orgasm_totals")
                for trigger in ["orgasm_totals_insert", "orgasm_totals_delete", "orgasm_totals_move"] {
                    try await session.run(PostgresQuery(unsafeSQL: "DROP TRIGGER \(trigger) ON orgasms"))
                    try await session.run(PostgresQuery(unsafeSQL: "DROP FUNCTION \(trigger)()"))
                }
                try await session.run("DELETE FROM schema_migrations WHERE version = 3")
            }
            try await first.close()

            try await withOpen(url) { (store: PostgresStore) async throws in
                #expect(try await keptTotals(store) == [alice.id: 3, bob.id: 1])
                await #expect(throws: StoreError.quotaExceeded(quota: 3)) {
                    _ = try await store.insert([record("2025-01-04")], userID: alice.id, quota: 3, completing: nil)
                }
            }
        }
    }

    private func open(_ url: String) async throws -> PostgresStore {
        try await PostgresStore.open(url: url, poolSize: 4, connectionWait: .seconds(20), logger: TestBackend.logger)
    }

    /// A store on `url` for `body`, closed afterwards whatever happens.
    private func withOpen(_ url: String, _ body: (PostgresStore) async throws -> Void) async throws {
        let store = try await open(url)
        do {
            try await body(store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    private func keptTotals(_ store: PostgresStore) async throws -> [Int64: Int64] {
        try await store.session { session in
            var totals: [Int64: Int64] = [:]
            for row in try await session.rows("SELECT user_id, total FROM orgasm_totals WHERE total <> 0") {
                let (user, total) = try row.decode((Int64, Int64).self)
                totals[user] = total
            }
            return totals
        }
    }

    private func countedTotals(_ store: PostgresStore) async throws -> [Int64: Int64] {
        try await store.session { session in
            var totals: [Int64: Int64] = [:]
            for row in try await session.rows("SELECT user_id, count(*) FROM orgasms GROUP BY user_id") {
                let (user, total) = try row.decode((Int64, Int64).self)
                totals[user] = total
            }
            return totals
        }
    }
}

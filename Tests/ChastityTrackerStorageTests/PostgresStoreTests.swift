import ChastityTrackerDomain
import ChastityTrackerPostgres
import ChastityTrackerTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

/// What only the PostgreSQL backend has: URLs, a pool, a server that can be away, and several
/// instances migrating one database at once.
@Suite("PostgreSQL store")
struct PostgresStoreTests {
    @Test(
        "Malformed URLs are refused with InvalidURL",
        arguments: [
            "mysql://user:pw@127.0.0.1/db",
            "postgres:///db",
            "postgres://127.0.0.1:5432/db",
            "postgres://user:pw@127.0.0.1/db?sslmode=sometimes",
        ])
    func malformedURLIsRefused(url: String) async {
        await #expect(throws: PostgresStore.InvalidURL.self) {
            _ = try await PostgresStore.open(url: url, logger: TestBackend.logger)
        }
    }

    @Test("Opening a server that does not answer fails with unavailable within the connection wait")
    func unreachableServerFailsFast() async {
        let started = ContinuousClock.now
        // Port 1 on loopback has no PostgreSQL: every connection attempt is refused.
        await #expect(throws: StoreError.unavailable) {
            _ = try await PostgresStore.open(url: "postgres://ct:secret@127.0.0.1:1/ct", logger: TestBackend.logger)
        }
        let elapsed = ContinuousClock.now - started
        // Generous: it proves no hang (postgres-nio alone would wait 60 s per attempt), not a speed
        // on a busy machine; the time includes shutting the client down again.
        #expect(elapsed < .seconds(45), "took \(elapsed)")
        #expect(elapsed >= .seconds(1), "gave up before waiting: \(elapsed)")
    }

    @Test("Two instances opening one new database at once both migrate it", arguments: TestBackend.postgres)
    func concurrentOpensMigrateOnce(backend: TestBackend) async throws {
        try await backend.withDatabase { url in
            async let first = PostgresStore.open(url: url, poolSize: 2, connectionWait: .seconds(20), logger: TestBackend.logger)
            async let second = PostgresStore.open(url: url, poolSize: 2, connectionWait: .seconds(20), logger: TestBackend.logger)
            let stores = try await [first, second]
            let alice = try await stores[0].makeUser("alice")
            #expect(try await stores[1].user(named: "alice") == alice)
            for store in stores { try await store.close() }
        }
    }

    @Test("A call that cannot get a pooled connection fails with unavailable, and the store recovers", arguments: TestBackend.postgres)
    func exhaustedPoolFailsFast(backend: TestBackend) async throws {
        try await backend.withDatabase { url in
            // Under heavy load, connecting alone has taken longer than the 2 s wait (which bounds
            // connecting too): opening is retried, so the test measures only the exhausted pool.
            var opened: PostgresStore?
            try await waitUntil {
                opened = try? await PostgresStore.open(url: url, poolSize: 1, connectionWait: .seconds(2), logger: TestBackend.logger)
                return opened != nil
            }
            let store = try #require(opened)
            let alice = try await store.makeUser("alice")
            let item = try await store.insert([record("2026-01-01")], userID: alice.id)[0]

            // Another client locks the row, so an update holds the store's only connection.
            let other = try await PostgresServer(url: url).connect()
            try await other.query("BEGIN", logger: TestBackend.logger)
            try await other.query("SELECT id FROM orgasms WHERE id = \(item.id) FOR UPDATE", logger: TestBackend.logger)
            let changes = {
                var changes = OrgasmChanges()
                changes.type = .set("after the lock")
                return changes
            }()
            let update = Task { try await store.update(id: item.id, userID: alice.id, changes: changes) }
            try await waitForLockWaiter(on: other)

            let started = ContinuousClock.now
            await #expect(throws: StoreError.unavailable) { try await store.ping() }
            #expect(ContinuousClock.now - started < .seconds(15))

            try await other.query("COMMIT", logger: TestBackend.logger)
            try await other.close()
            #expect(try await update.value?.type == "after the lock")
            // It recovers: the connection is free again (polled, since a loaded machine may be slow).
            try await waitUntil { (try? await store.ping()) != nil }
            try await store.close()
        }
    }

    /// Polls until some session waits for a lock (the blocked update), at most about 10 s.
    private func waitForLockWaiter(on connection: PostgresConnection) async throws {
        for _ in 0..<200 {
            let rows = try await connection.query(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.datname = current_database()",
                logger: TestBackend.logger)
            for try await count in rows.decode(Int64.self) where count > 0 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the update never waited for the lock")
    }
}

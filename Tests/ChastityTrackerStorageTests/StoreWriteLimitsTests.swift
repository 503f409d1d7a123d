import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Foundation
import PostgresNIO
import Testing

@testable import ChastityTrackerPostgres
@testable import ChastityTrackerSQLite

/// The bounded write queue (`overloaded`) and the writability probe behind `/readyz`.
@Suite("Store write limits")
struct StoreWriteLimitsTests {
    @Test("With the SQLite writer busy and its queue full, a write is refused at once with overloaded and writes nothing")
    func sqliteFullQueueRefusesAtOnce() async throws {
        try await TestBackend(kind: .sqlite).withDatabase { path in
            let store = try await SQLiteStore.open(path: path, writeQueueLimit: 2, logger: TestBackend.logger)
            let alice = try await store.makeUser("alice")
            let gate = WriterGate()
            defer { gate.open() }
            // One write holds the writer; two more wait for it: the queue is full.
            let holder = Task { try await store.write(bounded: false) { _ in gate.block() } }
            try await waitUntil { gate.isBlocking }
            let waiting = (1...2).map { day in Task { try await store.insert([record("2026-01-0\(day)")], userID: alice.id) } }
            try await waitUntil { store.waitingWrites == 2 }

            let insert = await promptly(within: .seconds(3), unblock: { gate.open() }) {
                try await store.insert([record("2026-02-01")], userID: alice.id)
            }
            #expect(isOverloaded(insert), "\(String(describing: insert))")
            let delete = await promptly(within: .seconds(3), unblock: { gate.open() }) { try await store.delete(id: 1, userID: alice.id) }
            #expect(isOverloaded(delete), "\(String(describing: delete))")
            // The probe is not refused: a full queue is busy, not broken.
            let probe = Task { try await store.checkWritable() }

            gate.open()
            try await holder.value
            for write in waiting { _ = try await write.value }
            try await probe.value
            #expect(try await store.all(alice.id).items.map(\.date.description) == ["2026-01-02", "2026-01-01"])
            // Drained, the queue takes writes again.
            _ = try await store.insert([record("2026-02-01")], userID: alice.id)
            try await store.close()
        }
    }

    @Test(
        "With PostgreSQL writes in flight at the limit, one more is refused at once with overloaded and writes nothing",
        arguments: TestBackend.postgres)
    func postgresWritesInFlightAreBounded(backend: TestBackend) async throws {
        try await backend.withDatabase { url in
            let store = try await PostgresStore.open(
                url: url, poolSize: 4, connectionWait: .seconds(20), writeQueueLimit: 1, logger: TestBackend.logger
            )
            let alice = try await store.makeUser("alice")
            // Another client locks the table, so the first insert waits in flight.
            let other = try await PostgresServer(url: url).connect()
            try await other.query("BEGIN", logger: TestBackend.logger)
            try await other.query("LOCK TABLE orgasms IN ACCESS EXCLUSIVE MODE", logger: TestBackend.logger)
            let first = Task { try await store.insert([record("2026-01-01")], userID: alice.id) }
            do {
                try await waitUntil { store.writesWaiting == 1 }
                let unlock: @Sendable () async -> Void = { _ = try? await other.query("ROLLBACK", logger: TestBackend.logger) }
                let insert = await promptly(within: .seconds(3), unblock: unlock) {
                    try await store.insert([record("2026-02-01")], userID: alice.id)
                }
                #expect(isOverloaded(insert), "\(String(describing: insert))")
                let delete = await promptly(within: .seconds(3), unblock: unlock) { try await store.delete(id: 1, userID: alice.id) }
                #expect(isOverloaded(delete), "\(String(describing: delete))")
            } catch {
                _ = try? await other.query("ROLLBACK", logger: TestBackend.logger)
                try? await other.close()
                throw error
            }
            try await other.query("ROLLBACK", logger: TestBackend.logger)
            try await other.close()
            _ = try await first.value
            #expect(try await store.all(alice.id).items.map(\.date.description) == ["2026-01-01"])
            _ = try await store.insert([record("2026-02-01")], userID: alice.id)
            #expect(store.writesWaiting == 0)
            try await store.close()
        }
    }

    @Test("checkWritable succeeds on a writable database", arguments: TestBackend.all)
    func writableDatabasePassesTheProbe(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.checkWritable()
            try await store.checkWritable()
        }
    }

    @Test("checkWritable fails with unavailable when the SQLite writer cannot write, while reads still work")
    func sqliteReadOnlyWriterFailsTheProbe() async throws {
        try await TestBackend(kind: .sqlite).withDatabase { path in
            let store = try await SQLiteStore.open(path: path, logger: TestBackend.logger)
            let alice = try await store.makeUser("alice")
            _ = try await store.insert([record("2026-01-01")], userID: alice.id)
            // The writer connection refuses every change from now on, as on a read-only file
            // system (the job that sets it fails too: its commit is refused already).
            _ = try? await store.write { try $0.execute("PRAGMA query_only = ON") }
            await #expect(throws: StoreError.unavailable) { try await store.checkWritable() }
            await #expect(throws: StoreError.unavailable) { _ = try await store.insert([record("2026-01-02")], userID: alice.id) }
            try await store.ping()
            #expect(try await store.all(alice.id).total == 1)
            try await store.close()
        }
    }

    @Test("checkWritable fails with unavailable when the PostgreSQL database is read-only, while reads still work", arguments: TestBackend.postgres)
    func postgresReadOnlyDatabaseFailsTheProbe(backend: TestBackend) async throws {
        try await backend.withDatabase { url in
            // One connection, so after the ends below no stale one is left in the pool.
            let store = try await PostgresStore.open(url: url, poolSize: 1, connectionWait: .seconds(20), logger: TestBackend.logger)
            let alice = try await store.makeUser("alice")
            _ = try await store.insert([record("2026-01-01")], userID: alice.id)
            guard case .postgres(let maintenanceURL) = backend.kind else { return }
            // Through the maintenance database: a session of this one may itself be read-only.
            let server = try PostgresServer(url: maintenanceURL)
            let name = String(url.split(separator: "/").last!.split(separator: "?")[0])
            // New sessions of the database are read-only; the store's open ones are ended, so
            // its pool reconnects into read-only sessions.
            try await server.execute("ALTER DATABASE \(name) SET default_transaction_read_only = on")
            try await server.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)' AND pid <> pg_backend_pid()")
            do {
                try await waitUntil { (try? await store.ping()) != nil }
                await #expect(throws: StoreError.unavailable) { try await store.checkWritable() }
                #expect(try await store.all(alice.id).total == 1)

                try await server.execute("ALTER DATABASE \(name) RESET default_transaction_read_only")
                try await server.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)'")
                try await waitUntil { (try? await store.checkWritable()) != nil }
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
        }
    }
}

/// Whether `outcome` is a refusal with ``StoreError/overloaded``.
func isOverloaded<T>(_ outcome: Result<T, any Error>?) -> Bool {
    if case .failure(let error)? = outcome, error as? StoreError == .overloaded { return true }
    return false
}

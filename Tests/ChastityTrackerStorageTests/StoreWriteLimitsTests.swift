import ChastityTrackerTestSupport
import ChastityTrackerDomain
@testable import ChastityTrackerPostgres
@testable import ChastityTrackerSQLite
import Foundation
import PostgresNIO
import Testing

/// The bounded write queue (`overloaded`) and the writability probe behind `/readyz`.
@Suite("Store write limits")
struct StoreWriteLimitsTests {
    @Test("With the SQLite writer busy and its queue full, a write is refused at once with overloaded and writes nothing")
    func sqliteFullQueueRefusesAtOnce() async throws {
        try await TestBackend(kind: .sqlite).withDatabase { path in
            let store = try await SQLiteStore.open(path: path, writeQueueLimit: 2, logger: TestBackend.logger)
            let alice = try await store.makeUser("alice")
            let gate = Gate()
            defer { gate.open() }
            // One write holds the writer; two more wait for it: the queue is full.
            let holder = Task { try await store.write(bounded: false) { _ in gate.block() } }
            try await until { gate.isBlocking }
            let waiting = (1...2).map { day in Task { try await store.insert([record("2026-01-0\(day)")], userID: alice.id) } }
            try await until { store.waitingWrites == 2 }

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

    @Test("With PostgreSQL writes in flight at the limit, one more is refused at once with overloaded and writes nothing", arguments: TestBackend.postgres)
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
                try await until { store.writesWaiting == 1 }
                let unlock: @Sendable () async -> Void = { _ = try? await other.query("ROLLBACK", logger: TestBackend.logger) }
                let insert = await promptly(within: .seconds(3), unblock: unlock) {
                    try await store.insert([record("2026-02-01")], userID: alice.id)
                }
                #expect(isOverloaded(insert), "\(String(describing: insert))")
                let delete = await promptly(within: .seconds(3), unblock: unlock) { try await store.delete(id: 1, userID: alice.id) }
                #expect(isOverloaded(delete), "\(String(describing: delete))")
            } catch {
                try? await other.query("ROLLBACK", logger: TestBackend.logger)
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
                try await until { (try? await store.ping()) != nil }
                await #expect(throws: StoreError.unavailable) { try await store.checkWritable() }
                #expect(try await store.all(alice.id).total == 1)

                try await server.execute("ALTER DATABASE \(name) RESET default_transaction_read_only")
                try await server.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)'")
                try await until { (try? await store.checkWritable()) != nil }
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
        }
    }
}

/// Holds a thread (the SQLite writer's) until opened.
final class Gate: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var blocking = false
    private var opened = false

    var isBlocking: Bool { lock.withLock { blocking } }

    /// Blocks the calling thread until ``open()``.
    func block() {
        lock.withLock { blocking = true }
        semaphore.wait()
    }

    /// Lets a blocked thread go; later calls do nothing.
    func open() {
        let first = lock.withLock {
            defer { opened = true }
            return !opened
        }
        if first { semaphore.signal() }
    }
}

/// Waits until `condition` holds, checking every 5 ms for at most 5 s.
func until(_ condition: () async throws -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let deadline = ContinuousClock.now + .seconds(5)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(5))
    }
    Issue.record("the condition did not hold within 5 s", sourceLocation: sourceLocation)
    throw CancellationError()
}

/// Runs `operation`; when it has not finished within `limit`, runs `unblock` so that it can, and
/// returns `nil` (a write that should have been refused at once was queued instead).
func promptly<T: Sendable>(
    within limit: Duration, unblock: @escaping @Sendable () async -> Void, _ operation: @escaping @Sendable () async throws -> T
) async -> Result<T, any Error>? {
    await withTaskGroup(of: Result<T, any Error>?.self) { group in
        group.addTask {
            do { return .success(try await operation()) } catch { return .failure(error) }
        }
        group.addTask {
            try? await Task.sleep(for: limit)
            return nil
        }
        guard let first = await group.next(), let outcome = first else {
            await unblock()
            await group.waitForAll()
            return nil
        }
        group.cancelAll()
        return outcome
    }
}

/// Whether `outcome` is a refusal with ``StoreError/overloaded``.
func isOverloaded<T>(_ outcome: Result<T, any Error>?) -> Bool {
    if case .failure(let error)? = outcome, error as? StoreError == .overloaded { return true }
    return false
}

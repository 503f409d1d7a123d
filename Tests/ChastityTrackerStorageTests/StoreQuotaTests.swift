import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Testing

/// The per-user record quota (docs/CONTRACT.md section 2, `quota_exceeded`), on every backend.
@Suite("Store conformance: record quota")
struct StoreQuotaTests {
    @Test("An insert that would pass the quota is refused whole and writes nothing; one that reaches it exactly is kept", arguments: TestBackend.all)
    func insertPastQuotaWritesNothing(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            _ = try await store.insert([record("2026-01-01"), record("2026-01-02")], userID: alice.id, quota: 3, completing: nil)
            await #expect(throws: StoreError.quotaExceeded(quota: 3)) {
                _ = try await store.insert([record("2026-01-03"), record("2026-01-04")], userID: alice.id, quota: 3, completing: nil)
            }
            #expect(try await store.all(alice.id).items.map(\.date.description) == ["2026-01-02", "2026-01-01"])
            #expect(try await store.all(alice.id).total == 2)

            _ = try await store.insert([record("2026-01-05")], userID: alice.id, quota: 3, completing: nil)
            await #expect(throws: StoreError.quotaExceeded(quota: 3)) {
                _ = try await store.insert([record("2026-01-06")], userID: alice.id, quota: 3, completing: nil)
            }
            #expect(try await store.all(alice.id).total == 3)
            // The quota is per user, and a deletion makes room again.
            _ = try await store.insert([record("2026-01-01"), record("2026-01-02"), record("2026-01-03")], userID: bob.id, quota: 3, completing: nil)
            let oldest = try #require(try await store.all(alice.id).items.last)
            #expect(try await store.delete(id: oldest.id, userID: alice.id))
            _ = try await store.insert([record("2026-01-07")], userID: alice.id, quota: 3, completing: nil)
            #expect(try await store.all(alice.id).total == 3)
        }
    }

    @Test("A refused insert does not complete its idempotency key", arguments: TestBackend.all)
    func refusedInsertLeavesTheKeyUncompleted(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            _ = try await store.insert([record("2026-01-01")], userID: alice.id, quota: 1, completing: nil)
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: at(1_000)) == .claimed)
            let completion = IdempotencyCompletion(key: "k", claimedAt: at(1_000)) { _ in StoredResponse(status: 201, body: "{}", location: nil) }
            await #expect(throws: StoreError.quotaExceeded(quota: 1)) {
                _ = try await store.insert([record("2026-01-02")], userID: alice.id, quota: 1, completing: completion)
            }
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: at(2_000)) == .inProgress)
            #expect(try await store.all(alice.id).total == 1)
        }
    }

    @Test("Concurrent inserts from many tasks fill the quota exactly and never pass it", arguments: TestBackend.all)
    func concurrentInsertsNeverOvershoot(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let quota = 25
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        do {
                            // Batches of 1 and 2, so a check that ignored the batch size would overshoot.
                            let batch = (0...(index % 2)).map { _ in record("2026-02-01") }
                            _ = try await store.insert(batch, userID: alice.id, quota: quota, completing: nil)
                            return true
                        } catch StoreError.quotaExceeded(quota: quota) {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            let total = try await store.all(alice.id).total
            #expect(total <= quota)
            // Once refusals start, at most one record of room can be left (a batch of 2 refused).
            #expect(total >= quota - 1)
            #expect(outcomes.contains(false))
            #expect(try await store.orgasms(userID: alice.id, afterID: 0, limit: 100).count == total)
        }
    }
}

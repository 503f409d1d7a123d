import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Testing

/// Idempotency keys (docs/CONTRACT.md section 7): claim, in-progress, lease takeover, replay, conflict,
/// release and purge, on every backend.
@Suite("Store conformance: idempotency keys")
struct StoreIdempotencyTests {
    static let start: Int64 = 1_773_144_000_000
    static let lease = IdempotencyPolicy.leaseMilliseconds
    static let retention = IdempotencyPolicy.retentionMilliseconds

    static func completion(_ key: String) -> IdempotencyCompletion {
        IdempotencyCompletion(key: key) { records in
            StoredResponse(
                status: 201, body: #"{"ids":[\#(records.map { String($0.id) }.joined(separator: ","))]}"#, location: "/x?id=\(records[0].id)")
        }
    }

    @Test("the lease is 60 s and keys are kept 24 h")
    func policy() {
        #expect(IdempotencyPolicy.leaseMilliseconds == 60_000)
        #expect(IdempotencyPolicy.retentionMilliseconds == 86_400_000)
    }

    @Test("a new key is claimed; the same key and body before completion is in progress, until the 60 s lease runs out", arguments: TestBackend.all)
    func inProgressUntilTheLeaseEnds(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: at(Self.start)) == .claimed)
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: at(Self.start)) == .inProgress)
            #expect(
                try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: at(Self.start + Self.lease - 1)) == .inProgress)
            // Another body is a conflict even while the first is running.
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "other", at: at(Self.start + 1)) == .conflict)
            // After the lease the claim is taken to be abandoned and taken over, with a new lease.
            let takeover = Self.start + Self.lease + 1
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: at(takeover)) == .claimed)
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: at(takeover + 1)) == .inProgress)
        }
    }

    @Test("after completion the same key and body replays the stored answer; another body is a conflict", arguments: TestBackend.all)
    func replayAfterCompletion(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: at(Self.start)) == .claimed)
            let created = try await store.insert([record("2026-03-01"), record("2026-03-02")], userID: alice.id, completing: Self.completion("k"))
            let stored = StoredResponse(status: 201, body: #"{"ids":[\#(created[0].id),\#(created[1].id)]}"#, location: "/x?id=\(created[0].id)")
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: at(Self.start + 1)) == .replay(stored))
            // Completed answers are replayed long after the lease, up to the 24 h retention.
            #expect(
                try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: at(Self.start + Self.retention))
                    == .replay(stored))
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "other", at: at(Self.start + 2)) == .conflict)
            // Replays create nothing.
            #expect(try await store.all(alice.id).total == 2)
            // Past the retention the key is new again.
            #expect(
                try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "other", at: at(Self.start + Self.retention + 1))
                    == .claimed)
        }
    }

    @Test("a stored answer without Location and with any text is replayed exactly", arguments: TestBackend.all)
    func replayKeepsTheTextExactly(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let text = #"{"ok":true,"data":{"type":"ü 🙂 \"q\" \\ %"},"meta":{"version":2}}"#
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: at(Self.start)) == .claimed)
            _ = try await store.insert(
                [record("2026-03-01")], userID: alice.id,
                completing: IdempotencyCompletion(key: "k") { _ in StoredResponse(status: 201, body: text, location: nil) }
            )
            #expect(
                try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: at(Self.start + 1))
                    == .replay(StoredResponse(status: 201, body: text, location: nil)))
        }
    }

    @Test("a request that outlived its lease and was taken over cannot complete: its insert is rolled back", arguments: TestBackend.all)
    func takenOverClaimCannotComplete(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let first = at(Self.start)
            let retry = at(Self.start + Self.lease + 1)
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: first) == .claimed)
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: retry) == .claimed)
            await #expect(throws: StoreError.self) {
                _ = try await store.insert(
                    [record("2026-03-01")], userID: alice.id,
                    completing: IdempotencyCompletion(key: "k", claimedAt: first) { _ in StoredResponse(status: 201, body: "slow", location: nil) }
                )
            }
            #expect(try await store.orgasms(userID: alice.id, afterID: 0, limit: 10).isEmpty)
            let created = try await store.insert(
                [record("2026-03-02")], userID: alice.id,
                completing: IdempotencyCompletion(key: "k", claimedAt: retry) { _ in StoredResponse(status: 201, body: "retry", location: nil) }
            )
            #expect(created.count == 1)
            #expect(
                try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: at(Self.start + Self.lease + 2))
                    == .replay(StoredResponse(status: 201, body: "retry", location: nil)))
        }
    }

    @Test("keys are per user", arguments: TestBackend.all)
    func keysArePerUser(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: at(Self.start)) == .claimed)
            #expect(try await store.claimIdempotencyKey(userID: bob.id, key: "k", requestHash: "other", at: at(Self.start)) == .claimed)
        }
    }

    @Test("release of an uncompleted claim lets a retry claim the key; release after completion keeps the answer", arguments: TestBackend.all)
    func release(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: at(Self.start)) == .claimed)
            try await store.releaseIdempotencyKey(userID: alice.id, key: "k", claimedAt: at(Self.start))
            // Released: even another body may claim it now.
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "other", at: at(Self.start + 1)) == .claimed)

            let created = try await store.insert([record("2026-03-01")], userID: alice.id, completing: Self.completion("k"))
            try await store.releaseIdempotencyKey(userID: alice.id, key: "k", claimedAt: at(Self.start + 1))
            let stored = StoredResponse(status: 201, body: #"{"ids":[\#(created[0].id)]}"#, location: "/x?id=\(created[0].id)")
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "other", at: at(Self.start + 2)) == .replay(stored))
            // Releasing a key that does not exist is not an error.
            try await store.releaseIdempotencyKey(userID: alice.id, key: "never-claimed", claimedAt: at(Self.start))
        }
    }

    @Test(
        "a request that outlived its lease releases only its own claim: the retry that took the key over keeps it, completes, and is replayed",
        arguments: TestBackend.all)
    func releaseLeavesATakenOverClaim(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let first = at(Self.start)
            let retry = at(Self.start + Self.lease + 1)
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: first) == .claimed)
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: retry) == .claimed)
            // The first request fails late and releases what it believes is its claim.
            try await store.releaseIdempotencyKey(userID: alice.id, key: "k", claimedAt: first)
            // The retry's claim is still there: a third request is told it is in progress, and
            // another body is a conflict, instead of either claiming the key anew.
            #expect(
                try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: at(Self.start + Self.lease + 2)) == .inProgress)
            #expect(
                try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "other", at: at(Self.start + Self.lease + 3))
                    == .conflict)
            let created = try await store.insert(
                [record("2026-03-02")], userID: alice.id,
                completing: IdempotencyCompletion(key: "k", claimedAt: retry) { _ in StoredResponse(status: 201, body: "retry", location: nil) }
            )
            #expect(created.count == 1)
            #expect(
                try await store.claimIdempotencyKey(userID: alice.id, key: "k", requestHash: "h", at: at(Self.start + Self.lease + 4))
                    == .replay(StoredResponse(status: 201, body: "retry", location: nil)))
            #expect(try await store.all(alice.id).total == 1)
        }
    }

    @Test("purge deletes exactly the keys created before the cutoff and returns how many", arguments: TestBackend.all)
    func purge(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "old", requestHash: "h", at: at(Self.start)) == .claimed)
            #expect(try await store.claimIdempotencyKey(userID: bob.id, key: "old", requestHash: "h", at: at(Self.start + 999)) == .claimed)
            _ = try await store.insert([record("2026-03-01")], userID: bob.id, completing: Self.completion("old"))
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "cutoff", requestHash: "h", at: at(Self.start + 1000)) == .claimed)
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "new", requestHash: "h", at: at(Self.start + 2000)) == .claimed)

            #expect(try await store.purgeIdempotencyKeys(createdBefore: at(Self.start + 1000)) == 2)
            #expect(try await store.purgeIdempotencyKeys(createdBefore: at(Self.start + 1000)) == 0)
            // The purged keys are new again (even with another body); the others are still there.
            let now = at(Self.start + 3000)
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "old", requestHash: "other", at: now) == .claimed)
            #expect(try await store.claimIdempotencyKey(userID: bob.id, key: "old", requestHash: "other", at: now) == .claimed)
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "cutoff", requestHash: "h", at: now) == .inProgress)
            #expect(try await store.claimIdempotencyKey(userID: alice.id, key: "new", requestHash: "other", at: now) == .conflict)
            // Records are never purged with their keys.
            #expect(try await store.all(bob.id).total == 1)
        }
    }
}

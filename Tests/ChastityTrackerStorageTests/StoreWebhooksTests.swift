import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Foundation
import Testing

/// Webhooks and their outbox (docs/CONTRACT.md section 14) on every backend: a write's event is
/// the state it moved, turned into one message per webhook, claimed under a lease and finished
/// under that lease.
@Suite("Store conformance: webhooks and their outbox")
struct StoreWebhooksTests {
    static let secret = WebhookSecret.generate()
    static let now = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000)

    static func later(_ milliseconds: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + milliseconds) }

    /// Turns every behind webhook into a message, as the delivery service does.
    static func enqueue(_ store: any ChastityStore, at time: Timestamp = now) async throws -> Int {
        var made = 0
        for behind in try await store.webhooksBehind() {
            let message = WebhookPolicy.changed(state: behind.current, at: time)
            if try await store.enqueueChange(webhookID: behind.webhookID, from: behind.notified, to: behind.current, message: message) {
                made += 1
            }
        }
        return made
    }

    @Test("a webhook starts at the user's state: only writes after it make a message, and a burst of writes makes one", arguments: TestBackend.all)
    func writesAfterTheWebhookMakeOneMessage(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            _ = try await store.insert([record("2026-01-01")], userID: alice.id)
            let webhook = try await store.addWebhook(userID: alice.id, url: "https://example.com/hook", secret: Self.secret, at: Self.now, limit: 10)
            #expect(try await store.webhooks(userID: alice.id) == [webhook])
            #expect(try await store.webhooksBehind().isEmpty)
            #expect(try await Self.enqueue(store) == 0)

            for day in 2...6 { _ = try await store.insert([record("2026-01-0\(day)")], userID: alice.id) }
            let state = try #require(try await store.changeState(userID: alice.id))
            #expect(try await store.webhooksBehind() == [WebhookBehind(webhookID: webhook.id, notified: "\(state.epoch)-1", current: state)])
            #expect(try await Self.enqueue(store) == 1)
            // One change message waits at a time: more writes make no second one yet.
            _ = try await store.insert([record("2026-01-07")], userID: alice.id)
            #expect(try await store.webhooksBehind().isEmpty)
            #expect(try await store.webhookOutboxDepth() == 1)

            let claimed = try await store.claimWebhookMessages(now: Self.now, lease: .seconds(60), limit: 10)
            #expect(claimed.count == 1)
            let message = try #require(claimed.first)
            #expect(message.webhookID == webhook.id)
            #expect(message.url == "https://example.com/hook")
            #expect(message.secret == Self.secret)
            #expect(message.attempts == 0)
            #expect(message.body.contains(#""type":"orgasms.changed""#))
            #expect(message.body.contains(#""state":"\#(state)""#))
            // Claimed: nobody else gets it while the lease holds.
            #expect(try await store.claimWebhookMessages(now: Self.later(59_000), lease: .seconds(60), limit: 10).isEmpty)

            try await store.finishWebhookAttempt(message, outcome: .delivered(status: 204), at: Self.later(1_000))
            #expect(try await store.webhookOutboxDepth() == 0)
            let shown = try #require(try await store.webhook(id: webhook.id))
            #expect(shown.lastStatus == 204)
            #expect(shown.lastError == nil)
            #expect(shown.lastAttempt == Self.later(1_000))
            #expect(shown.lastSuccess == Self.later(1_000))
            // Delivered: the write made meanwhile is the next message, with the latest state.
            let latest = try #require(try await store.changeState(userID: alice.id))
            #expect(try await Self.enqueue(store) == 1)
            let next = try await store.claimWebhookMessages(now: Self.later(2_000), lease: .seconds(60), limit: 10)
            #expect(next.count == 1)
            #expect(next.first?.body.contains(#""state":"\#(latest)""#) == true)
            #expect(next.first?.messageID != message.messageID)
        }
    }

    @Test("a failed attempt is retried at its time with the same id; a claim whose lease ended records nothing", arguments: TestBackend.all)
    func retriesKeepTheIdAndLeasesFence(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let webhook = try await store.addWebhook(userID: alice.id, url: "https://example.com/hook", secret: Self.secret, at: Self.now, limit: 10)
            _ = try await store.insert([record("2026-01-01")], userID: alice.id)
            #expect(try await Self.enqueue(store) == 1)
            let first = try #require(try await store.claimWebhookMessages(now: Self.now, lease: .seconds(60), limit: 10).first)
            try await store.finishWebhookAttempt(
                first, outcome: .retry(status: 500, error: "the receiver answered 500", retryAt: Self.later(5_000)), at: Self.later(100))
            let failed = try #require(try await store.webhook(id: webhook.id))
            #expect(failed.lastStatus == 500)
            #expect(failed.lastError == "the receiver answered 500")
            #expect(failed.lastSuccess == nil)
            #expect(try await store.claimWebhookMessages(now: Self.later(4_999), lease: .seconds(60), limit: 10).isEmpty)
            let second = try #require(try await store.claimWebhookMessages(now: Self.later(5_000), lease: .seconds(60), limit: 10).first)
            #expect(second.messageID == first.messageID)
            #expect(second.body == first.body)
            #expect(second.attempts == 1)
            // This claim's lease runs out and another instance claims the message again.
            let third = try #require(try await store.claimWebhookMessages(now: Self.later(65_001), lease: .seconds(60), limit: 10).first)
            #expect(third.messageID == first.messageID)
            try await store.finishWebhookAttempt(second, outcome: .delivered(status: 200), at: Self.later(65_002))
            #expect(try await store.webhookOutboxDepth() == 1)
            try await store.finishWebhookAttempt(third, outcome: .delivered(status: 200), at: Self.later(65_003))
            #expect(try await store.webhookOutboxDepth() == 0)
            #expect(try await store.webhook(id: webhook.id)?.lastSuccess == Self.later(65_003))
        }
    }

    @Test("disabling ends the webhook's waiting messages; a redelivery enables it and sends the last message again", arguments: TestBackend.all)
    func disableAndRedeliver(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let webhook = try await store.addWebhook(userID: alice.id, url: "https://example.com/hook", secret: Self.secret, at: Self.now, limit: 10)
            #expect(!(try await store.redeliverLastWebhookMessage(webhookID: webhook.id, at: Self.now)))
            let state = try #require(try await store.changeState(userID: alice.id))
            #expect(try await store.enqueueWebhookMessage(webhookID: webhook.id, message: WebhookPolicy.test(state: state, at: Self.now)))
            _ = try await store.insert([record("2026-01-01")], userID: alice.id)
            #expect(try await Self.enqueue(store) == 1)
            #expect(try await store.webhookOutboxDepth() == 2)
            let claimed = try await store.claimWebhookMessages(now: Self.now, lease: .seconds(60), limit: 1)
            let test = try #require(claimed.first)
            #expect(test.body.contains(#""type":"webhook.test""#))
            try await store.finishWebhookAttempt(
                test, outcome: .disable(status: 410, error: "the receiver answered 410", reason: "the receiver answered 410 Gone"), at: Self.later(10)
            )
            #expect(try await store.webhookOutboxDepth() == 0)
            let disabled = try #require(try await store.webhook(id: webhook.id))
            #expect(disabled.disabled == Self.later(10))
            #expect(disabled.disabledReason == "the receiver answered 410 Gone")
            // Disabled: no test, no change message, however the state moves.
            #expect(!(try await store.enqueueWebhookMessage(webhookID: webhook.id, message: WebhookPolicy.test(state: state, at: Self.now))))
            _ = try await store.insert([record("2026-01-02")], userID: alice.id)
            #expect(try await Self.enqueue(store) == 0)

            #expect(try await store.redeliverLastWebhookMessage(webhookID: webhook.id, at: Self.later(20)))
            #expect(try await store.webhook(id: webhook.id)?.disabled == nil)
            // The latest message was the change message the disabling ended: it goes again as it was.
            let again = try await store.claimWebhookMessages(now: Self.later(20), lease: .seconds(60), limit: 10)
            #expect(again.count == 1)
            #expect(again.first?.body.contains(#""type":"orgasms.changed""#) == true)
            #expect(again.first?.messageID != test.messageID)
            // Enabled again, the webhook catches up with the state it missed.
            #expect(try await Self.enqueue(store) == 1)
        }
    }

    @Test("removing a webhook or its user removes its messages; another user's writes never make a message for it", arguments: TestBackend.all)
    func ownership(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            let hook = try await store.addWebhook(userID: alice.id, url: "https://example.com/a", secret: Self.secret, at: Self.now, limit: 10)
            _ = try await store.insert([record("2026-01-01")], userID: bob.id)
            #expect(try await Self.enqueue(store) == 0)
            _ = try await store.insert([record("2026-01-01")], userID: alice.id)
            #expect(try await Self.enqueue(store) == 1)
            #expect(try await store.removeWebhook(id: hook.id))
            #expect(!(try await store.removeWebhook(id: hook.id)))
            #expect(try await store.webhookOutboxDepth() == 0)
            let second = try await store.addWebhook(userID: alice.id, url: "https://example.com/b", secret: Self.secret, at: Self.now, limit: 10)
            _ = try await store.insert([record("2026-01-02")], userID: alice.id)
            #expect(try await Self.enqueue(store) == 1)
            #expect(try await store.deleteUser(id: alice.id))
            #expect(try await store.webhook(id: second.id) == nil)
            #expect(try await store.webhookOutboxDepth() == 0)
            await #expect(throws: StoreError.self) {
                _ = try await store.addWebhook(userID: alice.id, url: "https://example.com/c", secret: Self.secret, at: Self.now, limit: 10)
            }
        }
    }

    @Test(
        "one attempt in flight per webhook, at most one test or redelivery waiting per webhook, and at most `limit` webhooks per user",
        arguments: TestBackend.all)
    func boundsPerWebhookAndUser(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let webhook = try await store.addWebhook(userID: alice.id, url: "https://example.com/hook", secret: Self.secret, at: Self.now, limit: 2)
            let state = try #require(try await store.changeState(userID: alice.id))
            #expect(try await store.enqueueWebhookMessage(webhookID: webhook.id, message: WebhookPolicy.test(state: state, at: Self.now)))
            #expect(!(try await store.enqueueWebhookMessage(webhookID: webhook.id, message: WebhookPolicy.test(state: state, at: Self.now))))
            _ = try await store.insert([record("2026-01-01")], userID: alice.id)
            #expect(try await Self.enqueue(store) == 1)
            #expect(try await store.webhookOutboxDepth() == 2)
            // Two messages due for one webhook: one is claimed; the other waits for it.
            let first = try await store.claimWebhookMessages(now: Self.now, lease: .seconds(30), limit: 10)
            #expect(first.count == 1)
            #expect(try await store.claimWebhookMessages(now: Self.later(1), lease: .seconds(30), limit: 10).isEmpty)
            try await store.finishWebhookAttempt(try #require(first.first), outcome: .delivered(status: 200), at: Self.later(2))
            let second = try await store.claimWebhookMessages(now: Self.later(3), lease: .seconds(30), limit: 10)
            #expect(second.count == 1)
            #expect(second.first?.rowID != first.first?.rowID)
            try await store.finishWebhookAttempt(try #require(second.first), outcome: .delivered(status: 200), at: Self.later(4))
            // The test has gone: another may wait now; a redelivery counts as one too.
            #expect(try await store.redeliverLastWebhookMessage(webhookID: webhook.id, at: Self.later(5)))
            #expect(!(try await store.redeliverLastWebhookMessage(webhookID: webhook.id, at: Self.later(6))))
            #expect(!(try await store.enqueueWebhookMessage(webhookID: webhook.id, message: WebhookPolicy.test(state: state, at: Self.now))))

            _ = try await store.addWebhook(userID: alice.id, url: "https://example.com/second", secret: Self.secret, at: Self.now, limit: 2)
            await #expect(throws: StoreError.conflict("webhooks_per_user")) {
                _ = try await store.addWebhook(userID: alice.id, url: "https://example.com/third", secret: Self.secret, at: Self.now, limit: 2)
            }
            #expect(try await store.webhooks(userID: alice.id).count == 2)
        }
    }

    @Test("twenty additions at once for one user keep the cap: exactly `limit` webhooks, the others refused", arguments: TestBackend.all)
    func capHoldsUnderParallelAdditions(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let added = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        do {
                            _ = try await store.addWebhook(
                                userID: alice.id, url: "https://example.com/\(index)", secret: Self.secret, at: Self.now, limit: 3)
                            return true
                        } catch StoreError.conflict("webhooks_per_user") {
                            return false
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(added == 3)
            #expect(try await store.webhooks(userID: alice.id).count == 3)
        }
    }

    @Test("two stores on one PostgreSQL database: each message is made once and claimed by one of them", arguments: TestBackend.postgres)
    func twoInstancesClaimApart(backend: TestBackend) async throws {
        try await backend.withDatabase { location in
            let first = try await backend.open(location)
            let second = try await backend.open(location)
            do {
                var hooks: [Int64] = []
                for index in 0..<20 {
                    let user = try await first.makeUser("user\(index)")
                    hooks.append(
                        try await first.addWebhook(userID: user.id, url: "https://example.com/\(index)", secret: Self.secret, at: Self.now, limit: 10)
                            .id)
                    _ = try await first.insert([record("2026-01-01")], userID: user.id)
                }
                async let madeByFirst = Self.enqueue(first)
                async let madeBySecond = Self.enqueue(second)
                #expect(try await madeByFirst + madeBySecond == 20)
                #expect(try await first.webhookOutboxDepth() == 20)
                // Claimed at once, an instance may come back with fewer than are due: its candidates
                // were chosen before the other's claim committed, and the rows the other took fail
                // its lease check. Nothing is lost (the next tick claims the rest), so the promise is
                // that every message is claimed by exactly one of them within a few rounds.
                var claims: [WebhookMessage] = []
                for _ in 0..<5 where claims.count < 20 {
                    async let claimedByFirst = first.claimWebhookMessages(now: Self.now, lease: .seconds(60), limit: 15)
                    async let claimedBySecond = second.claimWebhookMessages(now: Self.now, lease: .seconds(60), limit: 15)
                    claims += try await claimedByFirst + claimedBySecond
                }
                #expect(claims.count == 20)
                #expect(Set(claims.map(\.rowID)).count == 20)
                #expect(Set(claims.map(\.webhookID)) == Set(hooks))
            } catch {
                try? await first.close()
                try? await second.close()
                throw error
            }
            try await first.close()
            try await second.close()
        }
    }

    @Test("finished messages older than the retention are forgotten, but each webhook keeps its latest", arguments: TestBackend.all)
    func purgeKeepsTheLatest(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let webhook = try await store.addWebhook(userID: alice.id, url: "https://example.com/hook", secret: Self.secret, at: Self.now, limit: 10)
            for day in 1...3 {
                _ = try await store.insert([record("2026-01-0\(day)")], userID: alice.id)
                #expect(try await Self.enqueue(store) == 1)
                let claim = try #require(try await store.claimWebhookMessages(now: Self.now, lease: .seconds(60), limit: 1).first)
                try await store.finishWebhookAttempt(claim, outcome: .delivered(status: 200), at: Self.now)
            }
            #expect(try await store.purgeWebhookMessages(olderThan: .seconds(60), now: Self.later(59_000)) == 0)
            #expect(try await store.purgeWebhookMessages(olderThan: .seconds(60), now: Self.later(61_000)) == 2)
            #expect(try await store.redeliverLastWebhookMessage(webhookID: webhook.id, at: Self.later(61_000)))
        }
    }
}

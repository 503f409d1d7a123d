import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import ChastityTrackerSQLite

/// The record quota (403 `quota_exceeded`) and the bounded write queue (503 `overloaded`),
/// docs/CONTRACT.md section 2.
@Suite struct WriteLimitsTests {
    @Test("An insert past the record quota answers 403 quota_exceeded naming the quota, and stores nothing of it")
    func insertPastQuotaIs403() async throws {
        try await TestApp.run(configuration: Configuration(recordQuota: 3)) { app, client in
            let seeded = try await app.seed(date: "2026-03-01")
            let batch = #"[{"date":"2026-03-02","mode":"full"},{"date":"2026-03-03","mode":"full"},{"date":"2026-03-04","mode":"full"}]"#
            let error = try expectError(try await client.post(batch, token: app.writeToken), .forbidden, "quota_exceeded")
            #expect(error["message"]?.stringValue?.contains("3") == true, "\(error)")
            #expect(try await app.storedItems() == [seeded])

            // With an Idempotency-Key too, and the key is free for a retry afterwards.
            var headers = HTTPFields.json(app.writeToken)
            headers[HTTPField.Name("Idempotency-Key")!] = "quota-1"
            let keyed = try await client.execute(uri: orgasmsPath, method: .post, headers: headers, body: .init(string: batch))
            try expectError(keyed, .forbidden, "quota_exceeded")
            #expect(try await app.storedItems() == [seeded])

            // Up to the quota exactly is fine; one more is not.
            let two = #"[{"date":"2026-03-02","mode":"full"},{"date":"2026-03-03","mode":"full"}]"#
            #expect(try await client.post(two, token: app.writeToken).status == .created)
            try expectError(try await client.post(#"{"date":"2026-03-05","mode":"full"}"#, token: app.writeToken), .forbidden, "quota_exceeded")
            #expect(try await app.storedItems().count == 3)
        }
    }

    @Test("A record quota of 0 means no quota")
    func zeroQuotaIsNoQuota() async throws {
        try await TestApp.run(configuration: Configuration(recordQuota: 0)) { app, client in
            let batch = "[" + Array(repeating: #"{"date":"2026-03-02","mode":"full"}"#, count: 50).joined(separator: ",") + "]"
            let response = try await client.post(batch, token: app.writeToken)
            #expect(response.status == .created)
            #expect(try await app.storedItems().count == 50)
        }
    }

    @Test("With the SQLite writer busy and the write queue full, a POST answers 503 overloaded with Retry-After at once and stores nothing")
    func fullWriteQueueIs503Overloaded() async throws {
        try await TestApp.run(backend: .sqlite(writeQueueLimit: 1)) { app, client in
            let store = try #require(app.store as? SQLiteStore)
            let gate = WriterGate()
            defer { gate.open() }
            // One write holds the writer and one waits for it: the queue of 1 is full. (Both
            // unbounded, so that the server's own start-up write cannot refuse them.)
            let holder = Task { try await store.write(bounded: false) { _ in gate.block() } }
            try await waitUntil { gate.isBlocking }
            let waiting = Task { try await store.write(bounded: false) { _ in } }
            try await waitUntil { store.waitingWrites >= 1 }

            let outcome = await promptly(within: .seconds(3), unblock: { gate.open() }) {
                try await client.post(#"{"date":"2026-03-02","mode":"full"}"#, token: app.writeToken)
            }
            guard case .success(let response) = outcome else {
                Issue.record("the POST was not answered at once: \(String(describing: outcome))")
                return
            }
            try expectError(response, .serviceUnavailable, "overloaded")
            #expect(response.headers[.retryAfter] == "1")

            gate.open()
            try await holder.value
            try await waiting.value
            #expect(try await app.storedItems() == [])
            // Drained, the same request goes through: at once, or after Retry-After as a client
            // would retry, when the server's own background writes (the last-used recorder's
            // retry, a purge) hold the queue's one place at that moment (seen once in CI).
            var drained = try await client.post(#"{"date":"2026-03-02","mode":"full"}"#, token: app.writeToken)
            var retries = 0
            while retries < 5, drained.status == .serviceUnavailable, drained.headers[.retryAfter] == "1" {
                retries += 1
                try await Task.sleep(for: .seconds(1))
                drained = try await client.post(#"{"date":"2026-03-02","mode":"full"}"#, token: app.writeToken)
            }
            #expect(drained.status == .created, "\(drained.status): \(String(buffer: drained.body))")
        }
    }
}

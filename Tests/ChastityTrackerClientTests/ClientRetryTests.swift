import ChastityTrackerClient
import ChastityTrackerDomain
import Foundation
import Testing

extension ClientSuites {
    /// The opt-in retry: 429 after its Retry-After, 503 with backoff, and a dropped answer to an insert
    /// resent with the same Idempotency-Key, so the server stores it once.
    @Suite struct ClientRetryTests {
        typealias NewItem = ChastityTrackerClient.NewItem

        @Test func everyInsertCarriesANewIdempotencyKey() async throws {
            try await LiveServer.run { server in
                let transport = RecordingTransport()
                // Under load the HTTP stack may resend a POST on a fresh connection, and the server then
                // answers the resend 409 idempotency_in_progress: the retry rides that out.
                let client = server.client(
                    token: server.writeToken, retry: .init(maxAttempts: 5, initialDelay: .milliseconds(50)), transport: transport
                )
                try await client.insert(NewItem(date: "2026-03-01", mode: .full))
                try await client.insert([NewItem(date: "2026-03-01", mode: .full)])
                let keys = transport.sent.map(\.idempotencyKey)
                #expect(keys.allSatisfy { $0.flatMap(UUID.init(uuidString:)) != nil })
                // One key per call, a new one for the next call.
                #expect(Set(keys).count == 2)
                #expect(try await server.storedItems().count == 2)
            }
        }

        @Test func anInsertWhoseAnswerWasDroppedIsRetriedAndStoredOnce() async throws {
            try await LiveServer.run { server in
                let transport = RecordingTransport(dropFirstPOSTAnswer: true)
                let waits = RecordedWaits(advancing: server.clock)
                let client = server.client(
                    token: server.writeToken, retry: .init(maxAttempts: 3, initialDelay: .milliseconds(5)), transport: transport,
                    sleep: waits.sleep
                )
                let created = try await client.insert(NewItem(date: "2026-03-01", mode: .ruined, type: "once"), number: 2)
                #expect(created.count == 2)
                let posts = transport.sent.filter { $0.method == "POST" }
                #expect(posts.count == 2)
                #expect(posts[0].idempotencyKey != nil)
                #expect(posts[0].idempotencyKey == posts[1].idempotencyKey)
                #expect(waits.all == [.milliseconds(5)])
                // The server stored the first attempt and replayed it for the second: two items, not four.
                let stored = try await server.storedItems()
                #expect(stored.map(\.id).sorted() == created.map(\.id).sorted())
            }
        }

        @Test func withoutRetryADroppedAnswerIsTheTransportsError() async throws {
            try await LiveServer.run { server in
                let transport = RecordingTransport(dropFirstPOSTAnswer: true)
                let client = server.client(token: server.writeToken, transport: transport)
                await #expect(throws: URLError.self) { try await client.insert(NewItem(date: "2026-03-01", mode: .full)) }
                #expect(transport.sent.count == 1)
            }
        }

        @Test func a429IsRetriedAfterItsRetryAfter() async throws {
            try await LiveServer.run(configuration: .init(rateLimitPerMinute: 1)) { server in
                let waits = RecordedWaits(advancing: server.clock)
                let transport = RecordingTransport()
                let client = server.client(token: server.readToken, retry: .standard, transport: transport, sleep: waits.sleep)
                _ = try await client.list()
                let page = try await client.list()
                #expect(page.total == 0)
                // Refused once, waited exactly the 60 s the server asked for, then admitted in a new window.
                #expect(waits.all == [.seconds(60)])
                #expect(transport.sent.count == 3)
                #expect(client.lastRateLimit?.remaining == 0)
                #expect(client.lastRateLimit?.reset == LiveServer.now.addingTimeInterval(120))
            }
        }

        @Test func a429AskingForMoreThanTheMaximumWaitIsThrown() async throws {
            try await LiveServer.run(configuration: .init(rateLimitPerMinute: 1)) { server in
                let waits = RecordedWaits(advancing: server.clock)
                let client = server.client(
                    token: server.readToken, retry: .init(maxAttempts: 3, maximumDelay: .seconds(10)), sleep: waits.sleep
                )
                _ = try await client.list()
                let error = await #expect(throws: ChastityTrackerError.self) { _ = try await client.list() }
                #expect(error?.status == 429)
                #expect(error?.retryAfter == 60)
                #expect(waits.all.isEmpty)
            }
        }

        @Test func a503IsRetriedWithGrowingBackoffThenThrown() async throws {
            try await LiveServer.run { server in
                let waits = RecordedWaits(advancing: server.clock)
                let transport = RecordingTransport()
                let client = server.client(
                    token: server.readToken, retry: .init(maxAttempts: 3, initialDelay: .milliseconds(10)), transport: transport,
                    sleep: waits.sleep
                )
                try await server.store.close()
                let error = await #expect(throws: ChastityTrackerError.self) { _ = try await client.list() }
                #expect(error?.status == 503)
                #expect(error?.code == "unavailable")
                #expect(transport.sent.count == 3)
                #expect(waits.all == [.milliseconds(10), .milliseconds(20)])
            }
        }
    }
}

import ChastityTrackerClient
import ChastityTrackerDomain
import Foundation
import Testing

extension ClientSuites {
    /// Every error the API can give this client arrives as a `ChastityTrackerError` with the answer's
    /// status, code, field and request id.
    @Suite struct ClientErrorTests {
        typealias NewItem = ChastityTrackerClient.NewItem

        /// Runs `call` and returns the `ChastityTrackerError` it must throw.
        func error(
            _ call: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
        ) async throws -> ChastityTrackerError {
            do {
                try await call()
            } catch let error as ChastityTrackerError {
                #expect(error.message.isEmpty == false, sourceLocation: sourceLocation)
                #expect(error.requestID?.isEmpty == false, sourceLocation: sourceLocation)
                return error
            }
            Issue.record("no error thrown", sourceLocation: sourceLocation)
            throw CancellationError()
        }

        @Test func anUnknownTokenIs401Unauthorized() async throws {
            try await LiveServer.run { server in
                let client = server.client(token: "ct_notatoken")
                let failure = try await error { _ = try await client.list() }
                #expect(failure.status == 401)
                #expect(failure.code == "unauthorized")
                #expect(failure.field == nil)
                #expect(failure.requestID == client.lastRequestID)
            }
        }

        @Test func aReadTokenWritingIs403Forbidden() async throws {
            try await LiveServer.run { server in
                let client = server.client(token: server.readToken)
                let insert = try await error { try await client.insert(NewItem(date: "2026-03-01", mode: .full)) }
                #expect(insert.status == 403)
                #expect(insert.code == "forbidden")
                let update = try await error { _ = try await client.update(id: 1, mode: .full) }
                #expect(update.status == 403)
                #expect(update.code == "forbidden")
                let delete = try await error { try await client.delete(id: 1) }
                #expect(delete.status == 403)
                #expect(delete.code == "forbidden")
                #expect(try await server.storedItems().isEmpty)
            }
        }

        @Test func aMissingItemIs404NotFound() async throws {
            try await LiveServer.run { server in
                let client = server.client(token: server.writeToken)
                for call in [
                    { _ = try await client.item(id: 424_242) },
                    { _ = try await client.update(id: 424_242, mode: .ted) },
                    { try await client.delete(id: 424_242) },
                ] as [@Sendable () async throws -> Void] {
                    let failure = try await error(call)
                    #expect(failure.status == 404)
                    #expect(failure.code == "not_found")
                }
            }
        }

        @Test func anInvalidFieldIs400ValidationErrorNamingIt() async throws {
            try await LiveServer.run { server in
                let client = server.client(token: server.writeToken)
                let badDate = try await error { try await client.insert(NewItem(date: "2026-02-30", mode: .full)) }
                #expect(badDate.status == 400)
                #expect(badDate.code == "validation_error")
                #expect(badDate.field == "date")
                let future = try await error { try await client.insert(NewItem(date: "2026-03-11", mode: .full)) }
                #expect(future.field == "date")
                let tooLong = try await error {
                    try await client.insert(NewItem(date: "2026-03-01", mode: .full, grantedBy: String(repeating: "g", count: 51)))
                }
                #expect(tooLong.field == "grantedby")
                let number = try await error { try await client.insert(NewItem(date: "2026-03-01", mode: .full), number: 51) }
                #expect(number.field == "number")
                let badLimit = try await error { _ = try await client.list(limit: 201) }
                #expect(badLimit.status == 400)
                #expect(badLimit.field == "limit")
                let nothing = try await error { _ = try await client.update(id: 1) }
                #expect(nothing.status == 400)
                #expect(nothing.code == "validation_error")
                #expect(try await server.storedItems().isEmpty)
            }
        }

        @Test func aBodyOverTheLimitIs413PayloadTooLarge() async throws {
            try await LiveServer.run { server in
                let client = server.client(token: server.writeToken)
                // 50 items of 2000 characters: well over the 64 KiB body limit (docs/CONTRACT.md section 6).
                let big = Array(repeating: NewItem(date: "2026-03-01", mode: .full, type: String(repeating: "t", count: 2000)), count: 50)
                let failure = try await error { try await client.insert(big) }
                #expect(failure.status == 413)
                #expect(failure.code == "payload_too_large")
                #expect(try await server.storedItems().isEmpty)
            }
        }

        @Test func overTheRateLimitIs429WithRetryAfter() async throws {
            try await LiveServer.run(configuration: .init(rateLimitPerMinute: 2)) { server in
                let client = server.client(token: server.readToken)
                _ = try await client.list()
                _ = try await client.list()
                let failure = try await error { _ = try await client.list() }
                #expect(failure.status == 429)
                #expect(failure.code == "rate_limited")
                // The window started at 12:00:00 on the server's clock, which stands still: 60 s left.
                #expect(failure.retryAfter == 60)
                #expect(client.lastRateLimit?.remaining == 0)
                #expect(client.lastRateLimit?.limit == 2)
            }
        }

        @Test func anUnreachableDatabaseIs503Unavailable() async throws {
            try await LiveServer.run { server in
                let client = server.client(token: server.readToken)
                _ = try await client.list()
                // The database goes away under the running server.
                try await server.store.close()
                let failure = try await error { _ = try await client.list() }
                #expect(failure.status == 503)
                #expect(failure.code == "unavailable")
            }
        }
    }
}

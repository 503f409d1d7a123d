import ChastityTrackerDomain
import ChastityTrackerServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// docs/CONTRACT.md section 10: the per-token rate limit and its headers.
@Suite
struct RateLimitTests {
    static let limitHeader = HTTPField.Name("X-RateLimit-Limit")!
    static let remainingHeader = HTTPField.Name("X-RateLimit-Remaining")!
    static let resetHeader = HTTPField.Name("X-RateLimit-Reset")!

    /// `TestApp.defaultNow` is on a minute boundary: its window ends 60 s later.
    static let windowStart = Int64(TestApp.defaultNow.timeIntervalSince1970)
    static let windowEnd = windowStart + 60

    static func configuration(limit: Int) -> Configuration {
        Configuration(rateLimitPerMinute: limit)
    }

    /// The three rate headers of an answer, asserting they are all present and numeric.
    static func window(
        _ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (limit: Int, remaining: Int, reset: Int64) {
        let limit = try #require(response.headers[limitHeader].flatMap { Int($0) }, "headers: \(response.headers)", sourceLocation: sourceLocation)
        let remaining = try #require(
            response.headers[remainingHeader].flatMap { Int($0) }, "headers: \(response.headers)", sourceLocation: sourceLocation)
        let reset = try #require(response.headers[resetHeader].flatMap { Int64($0) }, "headers: \(response.headers)", sourceLocation: sourceLocation)
        return (limit, remaining, reset)
    }

    @Test func everyAuthenticatedAnswerCarriesTheRateHeadersErrorsIncludedAndRemainingFallsByOne() async throws {
        try await TestApp.run(configuration: Self.configuration(limit: 10)) { app, client in
            let item = try await app.seed(date: "2026-03-01")
            let responses: [(TestResponse, HTTPResponse.Status)] = [
                (try await client.get(orgasmsPath, token: app.readToken), .ok),
                (try await client.get("\(orgasmsPath)?id=\(item.id)", token: app.readToken), .ok),
                (try await client.execute(uri: orgasmsPath, method: .head, headers: .bearer(app.readToken)), .ok),
                (try await client.get("\(orgasmsPath)?limit=0", token: app.readToken), .badRequest),
                (try await client.get("\(orgasmsPath)?id=999999", token: app.readToken), .notFound),
                (try await client.post(#"{"date":"2026-03-01","mode":"full"}"#, token: app.readToken), .forbidden),
                (
                    try await client.execute(uri: orgasmsPath, method: .post, headers: .bearer(app.readToken), body: ByteBuffer(string: "{}")),
                    .forbidden
                ),
            ]
            for (index, (response, status)) in responses.enumerated() {
                #expect(response.status == status)
                let window = try Self.window(response)
                #expect(window.limit == 10)
                #expect(window.remaining == 10 - (index + 1), "answer \(index)")
                #expect(window.reset == Self.windowEnd)
            }
        }
    }

    @Test func writesAndTheirErrorsCountAgainstTheWriteToken() async throws {
        try await TestApp.run(configuration: Self.configuration(limit: 5)) { app, client in
            let created = try await client.post(#"{"date":"2026-03-01","mode":"full"}"#, token: app.writeToken)
            #expect(created.status == .created)
            #expect(try Self.window(created).remaining == 4)
            let invalid = try await client.post(#"{"date":"2026-03-01","mode":"nope"}"#, token: app.writeToken)
            try expectValidationError(invalid, field: "mode")
            #expect(try Self.window(invalid).remaining == 3)
            let missing = try await client.patch(id: 999_999, #"{"type":"x"}"#, token: app.writeToken)
            try expectError(missing, .notFound, "not_found")
            #expect(try Self.window(missing).remaining == 2)
            let deleted = try await client.execute(uri: "\(orgasmsPath)?id=999999", method: .delete, headers: .bearer(app.writeToken))
            try expectError(deleted, .notFound, "not_found")
            #expect(try Self.window(deleted).remaining == 1)
        }
    }

    @Test func theRequestAfterTheLimitIs429WithRetryAfterUntilTheWindowEnds() async throws {
        try await TestApp.run(configuration: Self.configuration(limit: 5)) { app, client in
            var previous = Int.max
            for request in 1...5 {
                let response = try await client.get(orgasmsPath, token: app.readToken)
                #expect(response.status == .ok)
                let window = try Self.window(response)
                #expect(window.remaining == 5 - request)
                #expect(window.remaining < previous)
                previous = window.remaining
                app.clock.advance(by: 1)
            }
            // 5 s into the window: 55 s are left.
            let refused = try await client.get(orgasmsPath, token: app.readToken)
            try expectError(refused, .tooManyRequests, "rate_limited")
            #expect(refused.headers[.retryAfter] == "55")
            let window = try Self.window(refused)
            #expect(window.limit == 5)
            #expect(window.remaining == 0)
            #expect(window.reset == Self.windowEnd)

            // Still refused, and still 0, at the last second of the window; Retry-After counts down.
            app.clock.set(Date(timeIntervalSince1970: TimeInterval(Self.windowEnd) - 1))
            let stillRefused = try await client.get(orgasmsPath, token: app.readToken)
            try expectError(stillRefused, .tooManyRequests, "rate_limited")
            #expect(stillRefused.headers[.retryAfter] == "1")
            #expect(try Self.window(stillRefused).remaining == 0)

            // Refused requests do not write anything either.
            let refusedWrite = try await client.post(#"{"date":"2026-03-01","mode":"full"}"#, token: app.readToken)
            try expectError(refusedWrite, .tooManyRequests, "rate_limited")
        }
    }

    @Test func aRefusedWriteCreatesNothing() async throws {
        try await TestApp.run(configuration: Self.configuration(limit: 1)) { app, client in
            #expect(try await client.post(#"{"date":"2026-03-01","mode":"full"}"#, token: app.writeToken).status == .created)
            let refused = try await client.post(#"{"date":"2026-03-02","mode":"full"}"#, token: app.writeToken)
            try expectError(refused, .tooManyRequests, "rate_limited")
            #expect(refused.headers[.location] == nil)
            #expect(try await app.storedItems().count == 1)
        }
    }

    @Test func theWindowResetsWhenTheClockReachesTheNextMinute() async throws {
        try await TestApp.run(configuration: Self.configuration(limit: 2)) { app, client in
            _ = try await client.get(orgasmsPath, token: app.readToken)
            _ = try await client.get(orgasmsPath, token: app.readToken)
            try expectError(try await client.get(orgasmsPath, token: app.readToken), .tooManyRequests, "rate_limited")

            app.clock.set(Date(timeIntervalSince1970: TimeInterval(Self.windowEnd)))
            let fresh = try await client.get(orgasmsPath, token: app.readToken)
            #expect(fresh.status == .ok)
            let window = try Self.window(fresh)
            #expect(window.remaining == 1)
            #expect(window.reset == Self.windowEnd + 60)
        }
    }

    @Test func a304WithinTheFreeAllowanceDoesNotCountAndLeavesRemainingUnchanged() async throws {
        try await TestApp.run(configuration: Self.configuration(limit: 3)) { app, client in
            let first = try await client.get(orgasmsPath, token: app.readToken)
            #expect(first.status == .ok)
            #expect(try Self.window(first).remaining == 2)
            let etag = try #require(first.headers[.eTag])
            var conditional: HTTPFields = .bearer(app.readToken)
            conditional[.ifNoneMatch] = etag
            // The free allowance is as many 304s as the limit.
            for _ in 1...3 {
                let notModified = try await client.execute(uri: orgasmsPath, method: .get, headers: conditional)
                #expect(notModified.status == .notModified)
                let window = try Self.window(notModified)
                #expect(window.limit == 3)
                #expect(window.remaining == 2)
                #expect(window.reset == Self.windowEnd)
            }
            let counted = try await client.execute(uri: orgasmsPath, method: .get, headers: conditional)
            #expect(counted.status == .notModified)
            #expect(try Self.window(counted).remaining == 1)
            #expect(try Self.window(try await client.get(orgasmsPath, token: app.readToken)).remaining == 0)
            try expectError(try await client.execute(uri: orgasmsPath, method: .get, headers: conditional), .tooManyRequests, "rate_limited")
        }
    }

    @Test func tokensAreLimitedIndependently() async throws {
        try await TestApp.run(configuration: Self.configuration(limit: 2)) { app, client in
            _ = try await client.get(orgasmsPath, token: app.readToken)
            _ = try await client.get(orgasmsPath, token: app.readToken)
            try expectError(try await client.get(orgasmsPath, token: app.readToken), .tooManyRequests, "rate_limited")

            // The same user's other token, and another user's token, have their own allowance.
            let write = try await client.get(orgasmsPath, token: app.writeToken)
            #expect(write.status == .ok)
            #expect(try Self.window(write).remaining == 1)
            let other = try await app.makeOtherUser()
            let otherResponse = try await client.get(orgasmsPath, token: other.writeToken)
            #expect(otherResponse.status == .ok)
            #expect(try Self.window(otherResponse).remaining == 1)
        }
    }

    @Test func unauthenticatedAnswersCarryNoRateHeaders() async throws {
        try await TestApp.run(configuration: Self.configuration(limit: 1)) { app, client in
            let missing = try await client.execute(uri: orgasmsPath, method: .get)
            let unknown = try await client.get(orgasmsPath, token: "ct_" + String(repeating: "A", count: 43))
            let health = try await client.execute(uri: "/healthz", method: .get)
            let options = try await client.execute(uri: orgasmsPath, method: .options)
            for response in [missing, unknown] {
                try expectError(response, .unauthorized, "unauthorized")
            }
            #expect(health.status == .ok)
            #expect(options.status == .noContent)
            for response in [missing, unknown, health, options] {
                #expect(response.headers[Self.limitHeader] == nil)
                #expect(response.headers[Self.remainingHeader] == nil)
                #expect(response.headers[Self.resetHeader] == nil)
            }
            // None of them used the token's allowance.
            #expect(try Self.window(try await client.get(orgasmsPath, token: app.readToken)).remaining == 0)
        }
    }

    @Test func limitZeroTurnsTheLimitAndItsHeadersOff() async throws {
        try await TestApp.run(configuration: Self.configuration(limit: 0)) { app, client in
            for _ in 1...20 {
                let response = try await client.get(orgasmsPath, token: app.readToken)
                #expect(response.status == .ok)
                #expect(response.headers[Self.limitHeader] == nil)
                #expect(response.headers[Self.remainingHeader] == nil)
            }
        }
    }

    @Test func theDefaultLimitIs600AndThe601stRequestOfAMinuteIsRefused() async throws {
        #expect(Configuration().rateLimitPerMinute == 600)
        try await TestApp.run { app, client in
            for request in 1...600 {
                let response = try await client.get("\(orgasmsPath)?id=999999", token: app.readToken)
                guard response.status == .notFound, response.headers[Self.remainingHeader] == String(600 - request) else {
                    Issue.record("request \(request): \(response.status) remaining \(response.headers[Self.remainingHeader] ?? "none")")
                    return
                }
            }
            app.clock.advance(by: 59)
            let refused = try await client.get(orgasmsPath, token: app.readToken)
            try expectError(refused, .tooManyRequests, "rate_limited")
            #expect(refused.headers[.retryAfter] == "1")
            #expect(refused.headers[Self.limitHeader] == "600")
            #expect(refused.headers[Self.remainingHeader] == "0")
        }
    }

    @Test func concurrentRequestsNeverGetMoreThanTheLimitAndRemainingNeverRises() async throws {
        try await TestApp.run(configuration: Self.configuration(limit: 5)) { app, client in
            let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 1...30 {
                    group.addTask { try await client.get(orgasmsPath, token: app.readToken) }
                }
                var all: [TestResponse] = []
                for try await response in group { all.append(response) }
                return all
            }
            #expect(responses.filter { $0.status == .ok }.count == 5)
            #expect(responses.filter { $0.status == .tooManyRequests }.count == 25)
            for response in responses where response.status == .tooManyRequests {
                #expect(response.headers[Self.remainingHeader] == "0")
            }
            for response in responses where response.status == .ok {
                #expect((0...4).contains(try Self.window(response).remaining))
            }
            // The allowance is used up for the rest of the window.
            try expectError(try await client.get(orgasmsPath, token: app.readToken), .tooManyRequests, "rate_limited")
        }
    }

    static func fields(_ window: RateLimiter.Window) -> [Int64] {
        [Int64(window.limit), Int64(window.remaining), window.reset]
    }

    /// The window of a refusal, or `nil` when admitted.
    static func refusal(_ admission: RateLimiter.Admission) -> [Int64]? {
        if case .refused(let window) = admission { return fields(window) }
        return nil
    }

    @Test func theLimiterNeverReportsARiseWhenA304GivesItsSlotBackOutOfOrder() {
        let clock = FixedWallClock(TestApp.defaultNow)
        let limiter = RateLimiter(limit: 3, clock: clock)
        guard case .admitted(let conditional) = limiter.admit(tokenID: 1), case .admitted(let plain) = limiter.admit(tokenID: 1) else {
            Issue.record("not admitted")
            return
        }
        // The plain request finishes first and sees both slots taken; the 304 then gives its
        // slot back, but the reported remaining does not go up again.
        #expect(limiter.finish(plain, counted: true).remaining == 1)
        #expect(limiter.finish(conditional, counted: false).remaining == 1)
        // The freed slot is usable: two more requests fit, the next is refused.
        #expect(Self.refusal(limiter.admit(tokenID: 1)) == nil)
        #expect(Self.refusal(limiter.admit(tokenID: 1)) == nil)
        #expect(Self.refusal(limiter.admit(tokenID: 1)) == [3, 0, Self.windowEnd])
        // Another token is untouched.
        guard case .admitted(let other) = limiter.admit(tokenID: 2) else {
            Issue.record("token 2 not admitted")
            return
        }
        #expect(Self.fields(limiter.finish(other, counted: true)) == [3, 2, Self.windowEnd])
    }

    @Test func aRequestAdmittedInOneWindowAndAnsweredInTheNextDoesNotUseTheNewWindow() {
        let clock = FixedWallClock(TestApp.defaultNow)
        let limiter = RateLimiter(limit: 2, clock: clock)
        guard case .admitted(let late) = limiter.admit(tokenID: 1) else {
            Issue.record("not admitted")
            return
        }
        clock.advance(by: 60)
        #expect(Self.fields(limiter.finish(late, counted: true)) == [2, 2, Self.windowEnd + 60])
        guard case .admitted(let next) = limiter.admit(tokenID: 1) else {
            Issue.record("not admitted")
            return
        }
        #expect(limiter.finish(next, counted: true).remaining == 1)
    }
}

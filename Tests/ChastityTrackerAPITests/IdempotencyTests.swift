import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// docs/CONTRACT.md section 7: `Idempotency-Key` on POST.
@Suite
struct IdempotencyTests {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let replayed = HTTPField.Name("Idempotent-Replayed")!

    static func post(_ body: String, key: String, token: String, client: any TestClientProtocol) async throws -> TestResponse {
        var headers: HTTPFields = .json(token)
        headers[idempotencyKey] = key
        return try await client.execute(uri: orgasmsPath, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test func sameKeyAndBodyReplaysTheFirstResponseAndCreatesNothing() async throws {
        try await TestApp.run { app, client in
            let body = #"{"date":"2026-03-01","mode":"full"}"#
            let first = try await Self.post(body, key: "key-1", token: app.writeToken, client: client)
            #expect(first.status == .created)
            #expect(first.headers[Self.replayed] == nil)
            app.clock.advance(by: 23 * 3600)
            let second = try await Self.post(body, key: "key-1", token: app.writeToken, client: client)
            #expect(second.status == .created)
            #expect(second.text == first.text)
            #expect(second.headers[.location] == first.headers[.location])
            #expect(second.headers[Self.replayed] == "true")
            #expect(try await app.storedItems().count == 1)
        }
    }

    @Test func aReplayDoesNotMoveTheChangesFeed() async throws {
        try await TestApp.run { app, client in
            let body = #"{"date":"2026-03-01","mode":"full"}"#
            #expect(try await Self.post(body, key: "key-feed", token: app.writeToken, client: client).status == .created)
            let state = try #require(try await app.store.changeState(userID: app.owner.id))
            let again = try await Self.post(body, key: "key-feed", token: app.writeToken, client: client)
            #expect(again.headers[Self.replayed] == "true")
            #expect(try await app.store.changeState(userID: app.owner.id) == state)
        }
    }

    @Test func sameKeyWithAnotherBodyIs422AndCreatesNothing() async throws {
        try await TestApp.run { app, client in
            _ = try await Self.post(#"{"date":"2026-03-01","mode":"full"}"#, key: "key-2", token: app.writeToken, client: client)
            let response = try await Self.post(#"{"date":"2026-03-02","mode":"full"}"#, key: "key-2", token: app.writeToken, client: client)
            try expectError(response, .unprocessableContent, "idempotency_conflict", field: "Idempotency-Key")
            #expect(try await app.storedItems().count == 1)
        }
    }

    @Test func keyIsForgottenAfter24Hours() async throws {
        try await TestApp.run { app, client in
            let body = #"{"date":"2026-03-01","mode":"full"}"#
            _ = try await Self.post(body, key: "key-3", token: app.writeToken, client: client)
            app.clock.advance(by: 24 * 3600 + 1)
            let again = try await Self.post(body, key: "key-3", token: app.writeToken, client: client)
            #expect(again.status == .created)
            #expect(again.headers[Self.replayed] == nil)
            #expect(try await app.storedItems().count == 2)
        }
    }

    @Test func sameKeyFromAnotherUserIsNotAReplay() async throws {
        try await TestApp.run { app, client in
            let body = #"{"date":"2026-03-01","mode":"full"}"#
            _ = try await Self.post(body, key: "shared", token: app.writeToken, client: client)
            let other = try await app.makeOtherUser()
            let response = try await Self.post(body, key: "shared", token: other.writeToken, client: client)
            #expect(response.status == .created)
            #expect(response.headers[Self.replayed] == nil)
            #expect(try await app.storedItems(userID: other.user.id).count == 1)
        }
    }

    @Test(arguments: [String(repeating: "k", count: 256), "caf\u{e9}", "tab\there"])
    func keyThatIsNotOneTo255PrintableASCIICharactersIs400(key: String) async throws {
        try await TestApp.run { app, client in
            let response = try await Self.post(#"{"date":"2026-03-01","mode":"full"}"#, key: key, token: app.writeToken, client: client)
            #expect(response.status == .badRequest)
            #expect(try response.json()["error"]?["code"] == "validation_error")
            #expect(try await app.storedItems().isEmpty)
        }
    }

    @Test func keyOf255CharactersIsAccepted() async throws {
        try await TestApp.run { app, client in
            let response = try await Self.post(
                #"{"date":"2026-03-01","mode":"full"}"#, key: String(repeating: "k", count: 255), token: app.writeToken, client: client
            )
            #expect(response.status == .created)
        }
    }

    @Test func replayIsByteIdenticalInStatusBodyAndLocationAndCreatesNothing() async throws {
        try await TestApp.run { app, client in
            let body = #"{"date":"2026-03-01","mode":"ruined","type":"Stroke","number":2}"#
            let first = try await Self.post(body, key: "batch", token: app.writeToken, client: client)
            #expect(first.status == .created)
            #expect(first.headers[.location] == nil)
            let single = try await Self.post(#"{"date":"2026-03-02","mode":"full"}"#, key: "single", token: app.writeToken, client: client)
            let location = try #require(single.headers[.location])
            let before = try await app.storedItems()
            #expect(before.count == 3)

            // An hour later, and through the alias path too: still replayed.
            app.clock.advance(by: 3600)
            for path in [orgasmsPath, "/api/v2/orgasms"] {
                var headers: HTTPFields = .json(app.writeToken)
                headers[Self.idempotencyKey] = "batch"
                let again = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
                #expect(again.status == first.status)
                #expect(Array(again.body.readableBytesView) == Array(first.body.readableBytesView))
                #expect(again.headers[.location] == nil)
                #expect(again.headers[.contentType] == jsonContentType)
                #expect(again.headers[Self.replayed] == "true")
            }
            let singleAgain = try await Self.post(#"{"date":"2026-03-02","mode":"full"}"#, key: "single", token: app.writeToken, client: client)
            #expect(singleAgain.status == .created)
            #expect(singleAgain.text == single.text)
            #expect(singleAgain.headers[.location] == location)
            #expect(singleAgain.headers[Self.replayed] == "true")
            #expect(try await app.storedItems() == before)
        }
    }

    @Test func whileTheFirstRequestIsRunningTheSameKeyIs409AndCreatesNothing() async throws {
        try await TestApp.run { app, client in
            let body = #"{"date":"2026-03-01","mode":"full"}"#
            // A first request that has claimed the key and not finished yet.
            let claim = try await app.store.claimIdempotencyKey(
                userID: app.owner.id, key: "running", requestHash: TokenSecret.hash(of: body), at: Timestamp(app.clock.now())
            )
            #expect(claim == .claimed)
            let response = try await Self.post(body, key: "running", token: app.writeToken, client: client)
            try expectError(response, .conflict, "idempotency_in_progress")
            #expect(response.headers[Self.replayed] == nil)
            // Another body with that key is a conflict, not "in progress".
            let other = try await Self.post(#"{"date":"2026-03-02","mode":"full"}"#, key: "running", token: app.writeToken, client: client)
            try expectError(other, .unprocessableContent, "idempotency_conflict", field: "Idempotency-Key")
            #expect(try await app.storedItems().isEmpty)

            // A claim that does not complete within the 60 s lease was abandoned: a retry runs.
            app.clock.advance(by: 61)
            let retry = try await Self.post(body, key: "running", token: app.writeToken, client: client)
            #expect(retry.status == .created)
            #expect(retry.headers[Self.replayed] == nil)
            #expect(try await app.storedItems().count == 1)
            let replay = try await Self.post(body, key: "running", token: app.writeToken, client: client)
            #expect(replay.headers[Self.replayed] == "true")
            #expect(replay.text == retry.text)
        }
    }

    @Test func aRequestRefusedBeforeInsertingDoesNotUseUpTheKey() async throws {
        try await TestApp.run { app, client in
            // Validation fails before the key is claimed: the same key with a fixed body works.
            let invalid = try await Self.post(#"{"date":"2026-03-01","mode":"nope"}"#, key: "fix-me", token: app.writeToken, client: client)
            try expectValidationError(invalid, field: "mode")
            let fixed = try await Self.post(#"{"date":"2026-03-01","mode":"full"}"#, key: "fix-me", token: app.writeToken, client: client)
            #expect(fixed.status == .created)
            #expect(fixed.headers[Self.replayed] == nil)
            // A read token's refused POST does not claim it either.
            let forbidden = try await Self.post(#"{"date":"2026-03-01","mode":"dom"}"#, key: "ro", token: app.readToken, client: client)
            try expectError(forbidden, .forbidden, "forbidden")
            #expect(try await Self.post(#"{"date":"2026-03-01","mode":"dom"}"#, key: "ro", token: app.writeToken, client: client).status == .created)
        }
    }

    @Test func thePurgeServiceDeletesKeysOlderThan24HoursAndKeepsYoungerOnes() async throws {
        // A purge is global, so this test gets a database of its own (SQLite) rather than the
        // PostgreSQL database the API suite shares: there, a live test's purge (real clock)
        // would delete these keys, and this purge other tests' keys. The storage suite proves
        // the purge on both backends.
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        try await TestApp.run(now: start, backend: .sqlite) { app, client in
            let body = #"{"date":"2023-11-01","mode":"full"}"#
            let old = try await Self.post(body, key: "old", token: app.writeToken, client: client)
            #expect(old.status == .created)
            app.clock.advance(by: 3600)
            let young = try await Self.post(body, key: "young", token: app.writeToken, client: client)
            #expect(young.status == .created)
            app.clock.advance(by: 23 * 3600 + 1)
            await IdempotencyPurgeService(store: app.store, clock: app.clock, logger: Logger(label: "test")).purgeOnce()
            // Claims dated just after each key was made: a kept key with another body is a
            // conflict, a purged one is free.
            let claimOld = try await app.store.claimIdempotencyKey(
                userID: app.owner.id, key: "old", requestHash: "another", at: Timestamp(start.addingTimeInterval(1))
            )
            #expect(claimOld == .claimed)
            let claimYoung = try await app.store.claimIdempotencyKey(
                userID: app.owner.id, key: "young", requestHash: "another", at: Timestamp(start.addingTimeInterval(3601))
            )
            #expect(claimYoung == .conflict)
        }
    }

    @Test func concurrentRequestsWithOneKeyCreateOnceAndTheOthersAre409OrReplays() async throws {
        try await TestApp.run(configuration: Configuration(rateLimitPerMinute: 0)) { app, client in
            let body = #"{"date":"2026-03-01","mode":"full","number":3}"#
            let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 1...12 {
                    group.addTask { try await Self.post(body, key: "race", token: app.writeToken, client: client) }
                }
                var all: [TestResponse] = []
                for try await response in group { all.append(response) }
                return all
            }
            let firsts = responses.filter { $0.status == .created && $0.headers[Self.replayed] == nil }
            #expect(firsts.count == 1)
            for response in responses where response.headers[Self.replayed] != nil || response.status != .created {
                if response.status == .created {
                    #expect(response.text == firsts.first?.text)
                } else {
                    try expectError(response, .conflict, "idempotency_in_progress")
                }
            }
            #expect(try await app.storedItems().count == 3)
        }
    }
}

import ChastityTrackerCore
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// SPEC section 7: `Idempotency-Key` on POST.
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
}

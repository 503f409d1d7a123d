import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

/// docs/CONTRACT.md section 2: the 500 and 503 rows, through a store that fails on demand.
@Suite struct FailureTests {
    /// A request that reaches the store, per endpoint.
    static let requests: [(method: HTTPRequest.Method, uri: String, body: String?)] = [
        (.get, orgasmsPath, nil),
        (.get, "\(orgasmsPath)?id=1", nil),
        (.post, orgasmsPath, #"{"date":"2026-03-01","mode":"full"}"#),
        (.patch, "\(orgasmsPath)?id=1", #"{"type":"x"}"#),
        (.delete, "\(orgasmsPath)?id=1", nil),
    ]

    static func send(_ request: (method: HTTPRequest.Method, uri: String, body: String?), token: String, client: any TestClientProtocol) async throws
        -> TestResponse
    {
        if let body = request.body {
            return try await client.send(request.method, request.uri, token: token, json: body)
        }
        return try await client.execute(uri: request.uri, method: request.method, headers: .bearer(token))
    }

    @Test(arguments: requests)
    func unexpectedStoreErrorIsGeneric500WithoutDetails(method: HTTPRequest.Method, uri: String, body: String?) async throws {
        try await TestApp.run(backend: FaultyStore.backend()) { app, client in
            let store = try #require(app.store as? FaultyStore)
            store.fail(with: LeakyInternalError())
            let response = try await Self.send((method, uri, body), token: app.writeToken, client: client)
            try expectError(response, .internalServerError, "internal_error")
            #expect(!response.text.contains("SELECT"))
            #expect(!response.text.contains("/var/lib"))
            #expect(!response.text.contains("LeakyInternalError"))
        }
    }

    @Test(arguments: requests)
    func unreachableDatabaseIs503Unavailable(method: HTTPRequest.Method, uri: String, body: String?) async throws {
        try await TestApp.run(backend: FaultyStore.backend()) { app, client in
            let store = try #require(app.store as? FaultyStore)
            store.fail(with: StoreError.unavailable)
            try expectError(try await Self.send((method, uri, body), token: app.writeToken, client: client), .serviceUnavailable, "unavailable")
        }
    }

    @Test(
        "A write whose user is gone by the time it writes (deleted elsewhere after the token was looked up) is 401 invalid_token, not 500",
        arguments: requests.filter { $0.method != .get })
    func writeForAVanishedUserIs401(method: HTTPRequest.Method, uri: String, body: String?) async throws {
        try await TestApp.run(backend: FaultyStore.backend()) { app, client in
            let store = try #require(app.store as? FaultyStore)
            // What a store answers when the user's row is gone under a write (a foreign key).
            store.fail(with: StoreError.missing("user 1"))
            let response = try await Self.send((method, uri, body), token: app.writeToken, client: client)
            try expectError(response, .unauthorized, "unauthorized")
            #expect(response.headers[.wwwAuthenticate] == invalidTokenChallenge)
        }
    }

    @Test func healthzIs503WhenTheDatabaseCannotBeReached() async throws {
        try await TestApp.run(backend: FaultyStore.backend()) { app, client in
            let store = try #require(app.store as? FaultyStore)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            store.fail(with: StoreError.unavailable)
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(try response.json()["error"]?["code"] == "unavailable")
        }
    }
}

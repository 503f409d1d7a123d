import ChastityTrackerDomain
import ChastityTrackerServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// An OAuth grant's access token at the API (docs/CONTRACT.md section 15): it works with the
/// grant's scope until its expiry, then answers 401 with `error="invalid_token"`, saying it has
/// expired, so the app refreshes.
@Suite("OAuth access tokens at the API")
struct OAuthAccessTokenTests {
    /// A grant of `scope` for the owner, with an access token expiring `offset` ms from the app's
    /// "now"; the token's plain text.
    static func accessToken(_ app: TestApp, scope: OAuthScope, expiresIn offset: Int64) async throws -> String {
        let now = Timestamp(app.clock.now())
        let client = OAuthClient(id: OAuthClient.newID(), name: "App", redirectURIs: [try RedirectURI("https://app.example/cb")], created: now)
        try await app.store.addClient(client)
        let code = AuthorizationCode(
            hash: TokenSecret.generate().hash, clientID: client.id, userID: app.owner.id, redirectURI: "https://app.example/cb", scope: scope,
            codeChallenge: PKCE.challenge(for: String(repeating: "v", count: 43)), created: now,
            expires: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 60_000))
        try await app.store.addAuthorizationCode(code)
        _ = try await app.store.consumeAuthorizationCode(hash: code.hash, at: now)
        let secret = TokenSecret.generate()
        _ = try await app.store.issueGrant(
            for: code,
            access: NewAccessToken(
                hash: secret.hash, label: "App", expires: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + offset)),
            refreshHash: TokenSecret.generate().hash, at: now)
        return secret.plaintext
    }

    @Test("a live access token reads with its grant's scope; a read grant may not write")
    func liveTokenHasTheGrantsScope() async throws {
        try await TestApp.run { app, client in
            let token = try await Self.accessToken(app, scope: .read, expiresIn: 3_600_000)
            #expect(try await client.get(orgasmsPath, token: token).status == .ok)
            let post = try await client.execute(
                uri: orgasmsPath, method: .post, headers: .bearer(token, contentType: "application/json"),
                body: .init(string: #"{"date":"2026-03-01","mode":"full"}"#))
            try expectError(post, .forbidden, "forbidden")
        }
    }

    @Test("an access token at or past its expiry is 401 with error=\"invalid_token\" and says it has expired")
    func expiredTokenIsRefused() async throws {
        try await TestApp.run { app, client in
            for offset: Int64 in [0, -1, -3_600_000] {
                let token = try await Self.accessToken(app, scope: .write, expiresIn: offset)
                let response = try await client.get(orgasmsPath, token: token)
                let body = try expectError(response, .unauthorized, "unauthorized")
                #expect(body["message"]?.stringValue == "the token has expired")
                #expect(response.headers[.wwwAuthenticate] == invalidTokenChallenge)
            }
        }
    }
}

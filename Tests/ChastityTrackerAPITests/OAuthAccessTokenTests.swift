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
        try await grant(app, scope: scope, expiresIn: offset).access
    }

    /// As ``accessToken(_:scope:expiresIn:)``, with the grant's refresh token's plain text too.
    static func grant(_ app: TestApp, scope: OAuthScope, expiresIn offset: Int64) async throws -> (access: String, refresh: String) {
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
        let refresh = TokenSecret.generate()
        _ = try await app.store.issueGrant(
            for: code,
            access: NewAccessToken(
                hash: secret.hash, label: "App", expires: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + offset)),
            refreshHash: refresh.hash, at: now)
        return (secret.plaintext, refresh.plaintext)
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

    @Test("a grant's access tokens share one rate limit: the token a refresh brings continues its predecessor's count")
    func rateLimitPerGrant() async throws {
        try await TestApp.run(configuration: RateLimitTests.configuration(limit: 3)) { app, client in
            let (first, refresh) = try await Self.grant(app, scope: .read, expiresIn: 3_600_000)
            #expect(try await client.get(orgasmsPath, token: first).status == .ok)
            #expect(try await client.get(orgasmsPath, token: first).status == .ok)
            let second = TokenSecret.generate()
            let now = Timestamp(app.clock.now())
            let rotated = try await app.store.rotateRefreshToken(
                hash: TokenSecret.hash(of: refresh),
                access: NewAccessToken(
                    hash: second.hash, label: "App", expires: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 3_600_000)),
                newRefreshHash: TokenSecret.generate().hash, at: now)
            guard case .rotated = rotated else {
                Issue.record("the refresh token did not rotate: \(String(describing: rotated))")
                return
            }
            #expect(try await client.get(orgasmsPath, token: second.plaintext).status == .ok)
            try expectError(try await client.get(orgasmsPath, token: second.plaintext), .tooManyRequests, "rate_limited")
            // A personal token of the same user counts apart.
            #expect(try await client.get(orgasmsPath, token: app.readToken).status == .ok)
        }
    }
}

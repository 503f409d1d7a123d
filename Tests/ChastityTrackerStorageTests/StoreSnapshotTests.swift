import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Foundation
import Testing

/// What `copy` and `backup` carry from one store to another (``UserSnapshot``): besides the user,
/// tokens, records and idempotency keys, the OAuth clients, each user's webhooks with the secret
/// they sign with, and the apps they connected, so that a restored database keeps delivering and
/// keeps its apps signed in. Every pair of backends.
@Suite("Store conformance: snapshots carry webhooks and connected apps")
struct StoreSnapshotTests {
    static let now = at(1_800_000_000_000)

    @Test(
        "a snapshot restored into an empty store keeps the clients, the webhook (secret, state sent, delivery record) and the grant (access and refresh tokens by hash); the counts agree",
        arguments: TestBackend.all, TestBackend.all)
    func webhooksAndGrantsCarried(from source: TestBackend, to target: TestBackend) async throws {
        try await source.withStore { from in
            let alice = try await from.makeUser("alice")
            let client = OAuthClient(
                id: OAuthClient.newID(), name: "App", redirectURIs: [try RedirectURI("https://app.example/cb")], created: Self.now)
            try await from.addClient(client)
            let code = AuthorizationCode(
                hash: "code-" + UUID().uuidString, clientID: client.id, userID: alice.id, redirectURI: "https://app.example/cb", scope: .write,
                codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", created: Self.now, expires: at(1_800_000_060_000))
            try await from.addAuthorizationCode(code)
            _ = try await from.consumeAuthorizationCode(hash: code.hash, at: Self.now)
            let access = NewAccessToken(hash: "access-" + UUID().uuidString, label: "App", expires: at(1_800_003_600_000))
            let refresh = "refresh-" + UUID().uuidString
            let grant = try await from.issueGrant(for: code, access: access, refreshHash: refresh, at: Self.now)
            let secret = try #require(WebhookSecret("whsec_" + Data(repeating: 7, count: 32).base64EncodedString()))
            let webhook = try await from.addWebhook(
                userID: alice.id, url: "https://hooks.example/in?key=1", secret: secret, at: Self.now, limit: 10)
            let snapshot = try await from.snapshot(of: alice)
            #expect(snapshot.webhooks.map(\.webhook) == [webhook])
            #expect(snapshot.webhooks.first?.secret == secret.text)
            #expect(snapshot.grants.map(\.grant) == [grant])
            #expect(snapshot.grants.first?.accessTokens.map(\.token.hash) == [access.hash])
            #expect(snapshot.grants.first?.accessTokens.first?.expires == access.expires)
            #expect(snapshot.grants.first?.refreshTokens.map(\.hash) == [refresh])
            let counts = try await from.counts()
            #expect(counts == StoreCounts(users: 1, tokens: 0, orgasms: 0, idempotencyKeys: 0, webhooks: 1, oauthClients: 1, oauthGrants: 1))

            try await target.withStore { to in
                for client in try await from.clients() { try await to.addClient(client) }
                try await to.restore(snapshot)
                #expect(try await to.counts() == counts)
                #expect(try await to.snapshot(of: alice) == snapshot)
                #expect(try await to.clients() == [client])
                #expect(try await to.webhooks(userID: alice.id) == [webhook])
                #expect(try await to.grants(userID: alice.id) == [grant])
                let principal = try #require(try await to.principal(forTokenHash: access.hash))
                #expect(principal.userID == alice.id)
                #expect(principal.permission == .write)
                #expect(try await to.grant(refreshHash: refresh) == grant)
                // New rows get ids past the restored ones.
                let second = try await to.addWebhook(userID: alice.id, url: "https://hooks.example/2", secret: secret, at: Self.now, limit: 10)
                #expect(second.id > webhook.id)
            }
        }
    }
}

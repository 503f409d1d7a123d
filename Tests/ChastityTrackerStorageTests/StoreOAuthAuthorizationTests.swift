import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Foundation
import Testing

/// OAuth's pending requests, revocation by token, connected apps and the purge, on every backend
/// (docs/CONTRACT.md section 15).
@Suite("Store conformance: OAuth requests, revocation by token, connected apps")
struct StoreOAuthAuthorizationTests {
    static let now = StoreOAuthGrantsTests.now

    static func pending(_ client: OAuthClient, expires: Timestamp = at(1_800_000_600_000), state: String? = "xyz") -> PendingAuthorization {
        PendingAuthorization(
            hash: StoreOAuthGrantsTests.hash(),
            request: AuthorizationRequest(
                clientID: client.id, redirectURI: "https://app.example/cb", scope: .write, state: state,
                codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
            created: now, expires: expires)
    }

    /// A grant for `user` with an access token and a refresh token; their hashes.
    static func grant(_ store: any ChastityStore, _ client: OAuthClient, _ user: User) async throws -> (OAuthGrant, access: String, refresh: String) {
        let code = StoreOAuthGrantsTests.code(client, user)
        try await store.addAuthorizationCode(code)
        _ = try await store.consumeAuthorizationCode(hash: code.hash, at: now)
        let access = StoreOAuthGrantsTests.access()
        let refresh = StoreOAuthGrantsTests.hash()
        let grant = try await store.issueGrant(for: code, access: access, refreshHash: refresh, at: now)
        return (grant, access.hash, refresh)
    }

    @Test("a pending request is read until it expires, taken once, and kept exactly (state or none)", arguments: TestBackend.all)
    func pendingRequests(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let (_, client) = try await StoreOAuthGrantsTests.setUp(store)
            let pending = Self.pending(client)
            try await store.addPendingAuthorization(pending)
            #expect(try await store.pendingAuthorization(hash: pending.hash, at: Self.now) == pending)
            #expect(try await store.pendingAuthorization(hash: pending.hash, at: pending.expires) == nil)
            #expect(try await store.takePendingAuthorization(hash: pending.hash, at: Self.now) == pending)
            #expect(try await store.takePendingAuthorization(hash: pending.hash, at: Self.now) == nil)
            #expect(try await store.pendingAuthorization(hash: pending.hash, at: Self.now) == nil)

            let stateless = Self.pending(client, state: nil)
            try await store.addPendingAuthorization(stateless)
            #expect(try await store.pendingAuthorization(hash: stateless.hash, at: Self.now)?.request.state == nil)
            // Expired: taking it removes it but returns nothing.
            #expect(try await store.takePendingAuthorization(hash: stateless.hash, at: stateless.expires) == nil)
            #expect(try await store.pendingAuthorization(hash: stateless.hash, at: Self.now) == nil)

            // A request of a removed client goes with it.
            let orphan = Self.pending(client)
            try await store.addPendingAuthorization(orphan)
            #expect(try await store.removeClient(id: client.id))
            #expect(try await store.pendingAuthorization(hash: orphan.hash, at: Self.now) == nil)
        }
    }

    @Test("the purge deletes requests and codes that expired before the cutoff, and nothing newer", arguments: TestBackend.all)
    func purge(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let (alice, client) = try await StoreOAuthGrantsTests.setUp(store)
            let old = Self.pending(client, expires: at(1_800_000_000_500))
            let fresh = Self.pending(client, expires: at(1_800_000_600_000))
            try await store.addPendingAuthorization(old)
            try await store.addPendingAuthorization(fresh)
            let oldCode = StoreOAuthGrantsTests.code(client, alice)
            try await store.addAuthorizationCode(oldCode)
            #expect(
                try await store.purgeAuthorizations(requestsExpiredBefore: at(1_800_000_001_000), codesAndTokensExpiredBefore: at(1_800_000_001_000))
                    == 1)
            #expect(
                try await store.purgeAuthorizations(requestsExpiredBefore: at(1_800_000_100_000), codesAndTokensExpiredBefore: at(1_800_000_100_000))
                    == 1)
            #expect(try await store.pendingAuthorization(hash: fresh.hash, at: Self.now) == fresh)
            #expect(try await store.consumeAuthorizationCode(hash: oldCode.hash, at: Self.now) == nil)

            // A grant with two access tokens (a refresh), both expired: the older goes, the newest stays.
            let (_, firstAccess, refresh) = try await Self.grant(store, client, alice)
            let second = StoreOAuthGrantsTests.access()
            _ = try await store.rotateRefreshToken(hash: refresh, access: second, newRefreshHash: StoreOAuthGrantsTests.hash(), at: Self.now)
            // The grant's code and the fresh request expired long before; the tokens only at `second.expires`.
            #expect(try await store.purgeAuthorizations(requestsExpiredBefore: second.expires, codesAndTokensExpiredBefore: second.expires) == 2)
            #expect(try await store.principal(forTokenHash: firstAccess) != nil)
            let afterBoth = at(second.expires.millisecondsSinceEpoch + 1)
            #expect(try await store.purgeAuthorizations(requestsExpiredBefore: afterBoth, codesAndTokensExpiredBefore: afterBoth) == 1)
            #expect(try await store.purgeAuthorizations(requestsExpiredBefore: afterBoth, codesAndTokensExpiredBefore: afterBoth) == 0)
            #expect(try await store.principal(forTokenHash: firstAccess) == nil)
            #expect(try await store.principal(forTokenHash: second.hash)?.expires == second.expires)
        }
    }

    @Test("revoking by token hash revokes the grant of this client's access or refresh token, and nothing else", arguments: TestBackend.all)
    func revokeByToken(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let (alice, client) = try await StoreOAuthGrantsTests.setUp(store)
            let other = OAuthClient(
                id: OAuthClient.newID(), name: "Other", redirectURIs: [try RedirectURI("https://other.example/cb")], created: Self.now)
            try await store.addClient(other)
            let (first, firstAccess, _) = try await Self.grant(store, client, alice)
            let (second, _, secondRefresh) = try await Self.grant(store, client, alice)

            #expect(!(try await store.revokeGrant(tokenHash: firstAccess, clientID: other.id, at: Self.now)))
            #expect(!(try await store.revokeGrant(tokenHash: StoreOAuthGrantsTests.hash(), clientID: client.id, at: Self.now)))
            #expect(try await store.principal(forTokenHash: firstAccess) != nil)

            #expect(try await store.revokeGrant(tokenHash: firstAccess, clientID: client.id, at: Self.now))
            #expect(try await store.principal(forTokenHash: firstAccess) == nil)
            #expect(try await store.revokeGrant(tokenHash: secondRefresh, clientID: client.id, at: Self.now))
            #expect(!(try await store.revokeGrant(tokenHash: secondRefresh, clientID: client.id, at: Self.now)))
            #expect(try await store.grants(userID: alice.id).map(\.id) == [first.id, second.id])
            #expect(try await store.grants(userID: alice.id).allSatisfy { $0.revoked == Self.now })
            #expect(try await store.grant(refreshHash: secondRefresh)?.id == second.id)
            #expect(try await store.grant(refreshHash: StoreOAuthGrantsTests.hash()) == nil)
        }
    }

    @Test("connected apps are the user's live grants with the app's name and last use; another user cannot revoke them", arguments: TestBackend.all)
    func connectedApps(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let (alice, client) = try await StoreOAuthGrantsTests.setUp(store)
            let bob = try await store.makeUser("bob")
            let (grant, access, _) = try await Self.grant(store, client, alice)
            #expect(
                try await store.connectedApps(userID: alice.id)
                    == [ConnectedApp(grantID: grant.id, clientID: client.id, clientName: "App", scope: .read, connected: Self.now, lastUsed: nil)])
            #expect(try await store.connectedApps(userID: bob.id).isEmpty)

            let principal = try #require(try await store.principal(forTokenHash: access))
            try await store.touchToken(id: principal.tokenID, at: at(1_800_000_500_000))
            #expect(try await store.connectedApps(userID: alice.id).first?.lastUsed == at(1_800_000_500_000))

            #expect(!(try await store.revokeGrant(id: grant.id, userID: bob.id, at: Self.now)))
            #expect(try await store.principal(forTokenHash: access) != nil)
            #expect(try await store.revokeGrant(id: grant.id, userID: alice.id, at: Self.now))
            #expect(try await store.connectedApps(userID: alice.id).isEmpty)
            #expect(try await store.principal(forTokenHash: access) == nil)
        }
    }
}

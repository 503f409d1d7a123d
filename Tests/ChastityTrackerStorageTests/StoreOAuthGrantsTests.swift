import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Foundation
import Testing

/// OAuth's codes, grants and refresh tokens on every backend (docs/CONTRACT.md section 15): a code
/// is taken once, a replay names the grant to revoke, a refresh token is spent at its first use
/// and its reuse revokes the grant, and a revoked grant's access tokens stop authenticating.
@Suite("Store conformance: OAuth codes, grants and refresh tokens")
struct StoreOAuthGrantsTests {
    static let now = at(1_800_000_000_000)

    static func hash() -> String { "h-" + UUID().uuidString }

    static func setUp(_ store: any ChastityStore) async throws -> (User, OAuthClient) {
        let alice = try await store.makeUser("alice")
        let client = OAuthClient(id: OAuthClient.newID(), name: "App", redirectURIs: [try RedirectURI("https://app.example/cb")], created: now)
        try await store.addClient(client)
        return (alice, client)
    }

    static func code(_ client: OAuthClient, _ user: User, scope: OAuthScope = .read) -> AuthorizationCode {
        AuthorizationCode(
            hash: hash(), clientID: client.id, userID: user.id, redirectURI: "https://app.example/cb", scope: scope,
            codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", created: now, expires: at(1_800_000_060_000))
    }

    static func access(_ label: String = "App") -> NewAccessToken {
        NewAccessToken(hash: hash(), label: label, expires: at(1_800_003_600_000))
    }

    @Test(
        "a code is taken once; its grant's access token authenticates with the scope; a replay names that grant, and revoking it stops the token",
        arguments: TestBackend.all)
    func codeExchangeAndReplay(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let (alice, client) = try await Self.setUp(store)
            let code = Self.code(client, alice, scope: .write)
            try await store.addAuthorizationCode(code)
            let taken = try #require(try await store.consumeAuthorizationCode(hash: code.hash, at: Self.now))
            #expect(taken == ConsumedCode(code: code, replayed: false, issuedGrant: nil))
            let access = Self.access()
            let grant = try await store.issueGrant(for: code, access: access, refreshHash: Self.hash(), at: Self.now)
            #expect(grant.userID == alice.id && grant.clientID == client.id && grant.scope == .write && grant.revoked == nil)
            let principal = try #require(try await store.principal(forTokenHash: access.hash))
            #expect(principal.userID == alice.id)
            #expect(principal.permission == .write)
            #expect(principal.expires == access.expires)
            #expect(try await store.grants(userID: alice.id) == [grant])
            // The grant's access token is the grant's: not a personal token, listed, found or copied.
            #expect(try await store.tokens(userID: alice.id).isEmpty)
            #expect(try await store.snapshot(of: alice).tokens.isEmpty)

            let replay = try #require(try await store.consumeAuthorizationCode(hash: code.hash, at: Self.now))
            #expect(replay.replayed)
            #expect(replay.issuedGrant == grant.id)
            #expect(try await store.revokeGrant(id: grant.id, at: Self.now))
            #expect(!(try await store.revokeGrant(id: grant.id, at: Self.now)))
            #expect(try await store.principal(forTokenHash: access.hash) == nil)
            #expect(try await store.grants(userID: alice.id).first?.revoked == Self.now)
            #expect(try await store.consumeAuthorizationCode(hash: "h-unknown", at: Self.now) == nil)
        }
    }

    @Test(
        "a refresh token rotates at its first use; presenting it again revokes the grant, and the newest pair stops working",
        arguments: TestBackend.all)
    func refreshRotationAndReuse(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let (alice, client) = try await Self.setUp(store)
            let code = Self.code(client, alice)
            try await store.addAuthorizationCode(code)
            _ = try await store.consumeAuthorizationCode(hash: code.hash, at: Self.now)
            let firstRefresh = Self.hash()
            let grant = try await store.issueGrant(for: code, access: Self.access(), refreshHash: firstRefresh, at: Self.now)

            let secondAccess = Self.access()
            let secondRefresh = Self.hash()
            #expect(
                try await store.rotateRefreshToken(hash: firstRefresh, access: secondAccess, newRefreshHash: secondRefresh, at: Self.now)
                    == .rotated(grant))
            #expect(try await store.principal(forTokenHash: secondAccess.hash)?.permission == .read)

            // The spent token again: the grant goes, with the newest pair.
            #expect(
                try await store.rotateRefreshToken(hash: firstRefresh, access: Self.access(), newRefreshHash: Self.hash(), at: Self.now)
                    == .reused(grantID: grant.id))
            #expect(try await store.principal(forTokenHash: secondAccess.hash) == nil)
            #expect(try await store.rotateRefreshToken(hash: secondRefresh, access: Self.access(), newRefreshHash: Self.hash(), at: Self.now) == nil)
            #expect(try await store.rotateRefreshToken(hash: "h-unknown", access: Self.access(), newRefreshHash: Self.hash(), at: Self.now) == nil)
        }
    }

    @Test("removing the client removes its grants and their access tokens", arguments: TestBackend.all)
    func removingTheClient(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let (alice, client) = try await Self.setUp(store)
            let code = Self.code(client, alice)
            try await store.addAuthorizationCode(code)
            _ = try await store.consumeAuthorizationCode(hash: code.hash, at: Self.now)
            let access = Self.access()
            _ = try await store.issueGrant(for: code, access: access, refreshHash: Self.hash(), at: Self.now)
            #expect(try await store.removeClient(id: client.id))
            #expect(try await store.grants(userID: alice.id).isEmpty)
            #expect(try await store.principal(forTokenHash: access.hash) == nil)
        }
    }
}

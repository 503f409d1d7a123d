import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Foundation
import NIOConcurrencyHelpers
import PostgresNIO
import Testing

@testable import ChastityTrackerPostgres

/// The PostgreSQL store reuses a token's lookup for a short time (issue 12) within SPEC section
/// 3's promise: revoke and regenerate take effect for the very next request on the instance that
/// made them, and within 5 s on every other instance sharing the database.
@Suite("PostgreSQL principal cache")
struct PrincipalCacheTests {
    private static let alice = Principal(tokenID: 1, userID: 7, timeZone: "UTC", permission: .read, lastUsed: nil)

    /// Lookups that count how often the cache asked for them.
    private final class Lookups: Sendable {
        private let calls = NIOLockedValueBox(0)
        var count: Int { calls.withLockedValue { $0 } }

        /// A lookup that answers `principal`.
        func answering(_ principal: Principal?) -> @Sendable () async throws -> Principal? {
            { [calls] in
                calls.withLockedValue { $0 += 1 }
                return principal
            }
        }
    }

    /// A cache that is in use: its store listens for changes.
    private static func listeningCache(lifetime: Duration = .seconds(60), capacity: Int = 10_000) -> PrincipalCache {
        let cache = PrincipalCache(lifetime: lifetime, capacity: capacity)
        cache.listening = true
        return cache
    }

    @Test("A token seen moments ago is not looked up again; one never found is looked up every time")
    func reusesFoundPrincipalsOnly() async throws {
        let cache = Self.listeningCache()
        let lookups = Lookups()
        for _ in 0..<3 { #expect(try await cache.principal(forTokenHash: "h1", lookup: lookups.answering(Self.alice)) == Self.alice) }
        #expect(lookups.count == 1)
        for _ in 0..<3 { #expect(try await cache.principal(forTokenHash: "unknown", lookup: lookups.answering(nil)) == nil) }
        #expect(lookups.count == 4)
    }

    @Test("A lookup under way when the cache is emptied (a revoke) does not put its answer back")
    func emptyingDuringALookupWins() async throws {
        let cache = Self.listeningCache()
        // The lookup read the row before the revoke committed, and returns after it.
        let stale = try await cache.principal(forTokenHash: "h1") {
            cache.removeAll()
            return Self.alice
        }
        #expect(stale == Self.alice)
        let lookups = Lookups()
        #expect(try await cache.principal(forTokenHash: "h1", lookup: lookups.answering(nil)) == nil)
        #expect(lookups.count == 1)
    }

    @Test("An entry expires after the lifetime; a lifetime of zero caches nothing")
    func entriesExpire() async throws {
        for lifetime in [Duration.milliseconds(50), .zero] {
            let cache = Self.listeningCache(lifetime: lifetime)
            let lookups = Lookups()
            _ = try await cache.principal(forTokenHash: "h1", lookup: lookups.answering(Self.alice))
            try await Task.sleep(for: .milliseconds(120))
            _ = try await cache.principal(forTokenHash: "h1", lookup: lookups.answering(Self.alice))
            #expect(lookups.count == 2, "lifetime \(lifetime)")
        }
    }

    @Test("Only while the store listens for changes is the cache used, and each start of listening begins empty")
    func usedOnlyWhileListening() async throws {
        let cache = PrincipalCache(lifetime: .seconds(60))
        let lookups = Lookups()
        let lookup = lookups.answering(Self.alice)
        for _ in 0..<2 { _ = try await cache.principal(forTokenHash: "h1", lookup: lookup) }
        #expect(lookups.count == 2)
        cache.listening = true
        for _ in 0..<2 { _ = try await cache.principal(forTokenHash: "h1", lookup: lookup) }
        #expect(lookups.count == 3)
        // Stopped and started again (a reconnect): what was cached before may be stale.
        cache.listening = false
        cache.listening = true
        _ = try await cache.principal(forTokenHash: "h1", lookup: lookup)
        #expect(lookups.count == 4)
    }

    @Test("Past its capacity the cache drops entries instead of growing")
    func capacityBoundsTheCache() async throws {
        let cache = Self.listeningCache(capacity: 4)
        let lookups = Lookups()
        for index in 0..<5 {
            let principal = Principal(tokenID: Int64(index), userID: 7, timeZone: "UTC", permission: .read, lastUsed: nil)
            _ = try await cache.principal(forTokenHash: "h\(index)", lookup: lookups.answering(principal))
        }
        // The fifth entry emptied the full cache: the first token is looked up again.
        _ = try await cache.principal(forTokenHash: "h0", lookup: lookups.answering(nil))
        #expect(lookups.count == 6)
    }

    @Test(
        "On the instance that changes them, revoke, regenerate, a time zone and a deletion show in the very next lookup",
        arguments: TestBackend.postgres)
    func changesThroughThisStoreShowAtOnce(backend: TestBackend) async throws {
        try await backend.withDatabase { url in
            try await TestBackend.closing(
                try await PostgresStore.open(
                    url: url, poolSize: 2, connectionWait: .seconds(20), principalLifetime: .seconds(60), logger: TestBackend.logger)
            ) { store in
                try await waitUntilListening(store)
                let alice = try await store.makeUser("alice")
                let first = try await store.createToken(userID: alice.id, label: "a", permission: .read, hash: "h1", at: at(1))
                let second = try await store.createToken(userID: alice.id, label: "b", permission: .write, hash: "h2", at: at(1))
                let third = try await store.createToken(userID: alice.id, label: "c", permission: .write, hash: "h3", at: at(1))
                #expect(try await store.principal(forTokenHash: "h1")?.tokenID == first.id)
                #expect(try await store.principal(forTokenHash: "h2")?.timeZone == "UTC")
                #expect(try await store.principal(forTokenHash: "h3")?.tokenID == third.id)

                #expect(try await store.revokeToken(id: first.id, at: at(2)))
                #expect(try await store.principal(forTokenHash: "h1") == nil)

                #expect(try await store.setTimeZone(userID: alice.id, timeZone: "Europe/Berlin"))
                #expect(try await store.principal(forTokenHash: "h2")?.timeZone == "Europe/Berlin")

                #expect(try await store.replaceTokenHash(id: second.id, hash: "h2-new"))
                #expect(try await store.principal(forTokenHash: "h2") == nil)
                #expect(try await store.principal(forTokenHash: "h2-new")?.tokenID == second.id)

                // The same, through a unit of work (the API's reads).
                try await store.touchToken(id: third.id, at: at(5))
                let seen = try await store.withUnitOfWork { try await $0.principal(forTokenHash: "h3") }
                #expect(seen?.lastUsed == at(5))
                #expect(try await store.deleteUser(id: alice.id))
                #expect(try await store.withUnitOfWork { try await $0.principal(forTokenHash: "h3") } == nil)
            }
        }
    }

    @Test(
        "A change through another instance (revoke, regenerate, time zone, deletion) is heard at once, long before the cache's lifetime",
        arguments: TestBackend.postgres)
    func otherInstancesNotify(backend: TestBackend) async throws {
        try await withTwoInstances(backend) { here, there in
            let alice = try await there.makeUser("alice")
            let first = try await there.createToken(userID: alice.id, label: "a", permission: .read, hash: "h1", at: at(1))
            let second = try await there.createToken(userID: alice.id, label: "b", permission: .read, hash: "h2", at: at(1))
            _ = try await there.createToken(userID: alice.id, label: "c", permission: .read, hash: "h3", at: at(1))
            for hash in ["h1", "h2", "h3"] { #expect(try await here.principal(forTokenHash: hash) != nil) }
            // A last-used write is no change to a principal; it is not notified.
            try await there.touchToken(id: first.id, at: at(3))

            #expect(try await there.revokeToken(id: first.id, at: at(2)))
            try await expectEventually(within: .seconds(3)) { try await here.principal(forTokenHash: "h1") == nil }
            #expect(try await there.replaceTokenHash(id: second.id, hash: "h2-new"))
            try await expectEventually(within: .seconds(3)) { try await here.principal(forTokenHash: "h2") == nil }
            #expect(try await there.setTimeZone(userID: alice.id, timeZone: "Asia/Tokyo"))
            try await expectEventually(within: .seconds(3)) { try await here.principal(forTokenHash: "h3")?.timeZone == "Asia/Tokyo" }
            #expect(try await there.deleteUser(id: alice.id))
            try await expectEventually(within: .seconds(3)) { try await here.principal(forTokenHash: "h3") == nil }
        }
    }

    @Test(
        "An OAuth grant revoked through another instance (Disconnect, a reused refresh token, revocation by token) stops its access tokens here at once",
        arguments: TestBackend.postgres)
    func grantRevocationsNotify(backend: TestBackend) async throws {
        try await withTwoInstances(backend) { here, there in
            let (alice, client) = try await StoreOAuthGrantsTests.setUp(there)
            var grants: [(OAuthGrant, access: String, refresh: String)] = []
            for _ in 0..<3 { grants.append(try await StoreOAuthAuthorizationTests.grant(there, client, alice)) }
            for grant in grants { #expect(try await here.principal(forTokenHash: grant.access) != nil) }

            #expect(try await there.revokeGrant(id: grants[0].0.id, userID: alice.id, at: at(2)))
            try await expectEventually(within: .seconds(3)) { try await here.principal(forTokenHash: grants[0].access) == nil }
            // A refresh token presented twice: the second presentation revokes the grant.
            let rotated = try await there.rotateRefreshToken(
                hash: grants[1].refresh, access: StoreOAuthGrantsTests.access(), newRefreshHash: StoreOAuthGrantsTests.hash(), at: at(2))
            #expect(rotated == .rotated(grants[1].0))
            _ = try await there.rotateRefreshToken(
                hash: grants[1].refresh, access: StoreOAuthGrantsTests.access(), newRefreshHash: StoreOAuthGrantsTests.hash(), at: at(3))
            try await expectEventually(within: .seconds(3)) { try await here.principal(forTokenHash: grants[1].access) == nil }
            #expect(try await there.revokeGrant(tokenHash: grants[2].refresh, clientID: client.id, at: at(2)))
            try await expectEventually(within: .seconds(3)) { try await here.principal(forTokenHash: grants[2].access) == nil }
        }
    }

    @Test(
        "A change no one notifies (triggers off, as for a lost notification) shows here within the cache's lifetime, inside SPEC's 5 s",
        arguments: TestBackend.postgres)
    func lostNotificationsExpireWithTheLifetime(backend: TestBackend) async throws {
        try await backend.withDatabase { url in
            let lifetime = Duration.seconds(2)
            try await TestBackend.closing(
                try await PostgresStore.open(
                    url: url, poolSize: 2, connectionWait: .seconds(20), principalLifetime: lifetime, logger: TestBackend.logger)
            ) { here in
                try await TestBackend.closing(
                    try await PostgresStore.open(url: url, poolSize: 2, connectionWait: .seconds(20), logger: TestBackend.logger)
                ) { there in
                    try await waitUntilListening(here)
                    let alice = try await there.makeUser("alice")
                    let token = try await there.createToken(userID: alice.id, label: "a", permission: .read, hash: "h1", at: at(1))
                    let lookedUp = ContinuousClock.now
                    #expect(try await here.principal(forTokenHash: "h1")?.tokenID == token.id)
                    // Revoked with the triggers off for this session (superuser only), so nothing is notified.
                    try await there.transaction { session in
                        try await session.run("SET LOCAL session_replication_role = replica")
                        try await session.run("UPDATE tokens SET revoked_ms = 2 WHERE id = \(token.id)")
                    }
                    var refused: ContinuousClock.Instant?
                    while refused == nil && ContinuousClock.now - lookedUp < .seconds(5) {
                        if try await here.principal(forTokenHash: "h1") == nil { refused = .now }
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    let after = try #require(refused.map { $0 - lookedUp })
                    #expect(after <= lifetime + .seconds(2), "refused \(after) after the lookup")
                }
            }
        }
    }

    /// Runs `body` with two stores on one new database, as two instances: `here` caches principals
    /// for a minute (so only a notification can make it forget one) and listens already.
    private func withTwoInstances(_ backend: TestBackend, _ body: (_ here: PostgresStore, _ there: PostgresStore) async throws -> Void)
        async throws
    {
        try await backend.withDatabase { url in
            try await TestBackend.closing(
                try await PostgresStore.open(
                    url: url, poolSize: 2, connectionWait: .seconds(20), principalLifetime: .seconds(60), logger: TestBackend.logger)
            ) { here in
                try await TestBackend.closing(
                    try await PostgresStore.open(url: url, poolSize: 2, connectionWait: .seconds(20), logger: TestBackend.logger)
                ) { there in
                    try await expectEventually(within: .seconds(20)) { here.principals.listening }
                    try await body(here, there)
                }
            }
        }
    }

    /// Waits until `store` listens for changes (it connects its listener right after opening).
    private func waitUntilListening(_ store: PostgresStore) async throws {
        try await expectEventually(within: .seconds(20)) { store.principals.listening }
    }

    /// Polls `condition` every 20 ms until it holds, and records an issue if it does not
    /// within `bound`.
    private func expectEventually(
        within bound: Duration, sourceLocation: SourceLocation = #_sourceLocation, _ condition: () async throws -> Bool
    ) async throws {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < bound {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("not within \(bound)", sourceLocation: sourceLocation)
    }
}

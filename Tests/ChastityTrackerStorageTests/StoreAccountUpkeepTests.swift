import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Testing

/// What the settings page and the purges need from the store: the time zone, deleting a user
/// with everything of theirs, expired sessions and forgotten failure counts, and what a copy
/// carries; on every backend.
@Suite("Store conformance: account settings and purges")
struct StoreAccountUpkeepTests {
    @Test("setTimeZone changes the user's zone, read back by name, by session and by token; no one else's", arguments: TestBackend.all)
    func setTimeZoneChangesOnlyThatUser(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob", timeZone: "Asia/Tokyo")
            _ = try await store.createToken(userID: alice.id, label: "t", permission: .read, hash: "h-alice", at: at(1))
            try await store.createSession(hash: "s-alice", userID: alice.id, at: at(1))
            #expect(try await store.setTimeZone(userID: alice.id, timeZone: "Pacific/Kiritimati") == true)
            #expect(try await store.user(named: "alice")?.timeZone == "Pacific/Kiritimati")
            #expect(try await store.session(hash: "s-alice", lastSeenSince: at(0), createdSince: at(0))?.user.timeZone == "Pacific/Kiritimati")
            #expect(try await store.principal(forTokenHash: "h-alice")?.timeZone == "Pacific/Kiritimati")
            #expect(try await store.user(named: "bob") == bob)
            #expect(try await store.setTimeZone(userID: bob.id + 1000, timeZone: "UTC") == false)
        }
    }

    @Test("deleting a user deletes their sessions and the failed sign-ins counted for their name, and nobody else's", arguments: TestBackend.all)
    func deletingUserDeletesSessionsAndFailures(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            try await store.createSession(hash: "a1", userID: alice.id, at: at(1))
            try await store.createSession(hash: "b1", userID: bob.id, at: at(1))
            _ = try await store.recordSignInFailure(account: "alice", at: at(1_000), resetBefore: at(0))
            _ = try await store.recordSignInFailure(account: "bob", at: at(1_000), resetBefore: at(0))
            _ = try await store.recordSignInFailure(account: "nobody", at: at(1_000), resetBefore: at(0))
            #expect(try await store.deleteUser(id: alice.id) == true)
            #expect(try await store.session(hash: "a1", lastSeenSince: at(0), createdSince: at(0)) == nil)
            #expect(try await store.signInFailures(account: "alice") == nil)
            #expect(try await store.session(hash: "b1", lastSeenSince: at(0), createdSince: at(0))?.user == bob)
            #expect(try await store.signInFailures(account: "bob") == SignInFailures(count: 1, last: at(1_000)))
            #expect(try await store.signInFailures(account: "nobody") == SignInFailures(count: 1, last: at(1_000)))
            // A missing user deletes nothing, not even a count under some name.
            #expect(try await store.deleteUser(id: alice.id) == false)
            #expect(try await store.signInFailures(account: "nobody") != nil)
        }
    }

    @Test("purgeSessions deletes the sessions idle or too old by its cutoffs and keeps the live ones", arguments: TestBackend.all)
    func purgeSessionsKeepsLiveOnes(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            // Created at 10 s; "idle" last seen at 20 s; "busy" seen at 90 s; "young" made at 50 s.
            for hash in ["idle", "busy"] { try await store.createSession(hash: hash, userID: alice.id, at: at(10_000)) }
            try await store.createSession(hash: "young", userID: bob.id, at: at(50_000))
            try await store.touchSession(hash: "idle", at: at(20_000))
            try await store.touchSession(hash: "busy", at: at(90_000))
            try await store.touchSession(hash: "young", at: at(60_000))
            // Nothing is before the cutoffs exactly at the rows' instants: the cutoffs are the first live instants.
            #expect(try await store.purgeSessions(lastSeenBefore: at(20_000), createdBefore: at(10_000)) == 0)
            // Idle cutoff 30 s: "idle" goes. Absolute cutoff 10 s: nobody's too old yet.
            #expect(try await store.purgeSessions(lastSeenBefore: at(30_000), createdBefore: at(10_000)) == 1)
            #expect(try await store.session(hash: "idle", lastSeenSince: at(0), createdSince: at(0)) == nil)
            // Absolute cutoff 40 s: "busy", created at 10 s, goes however recently it was used.
            #expect(try await store.purgeSessions(lastSeenBefore: at(30_000), createdBefore: at(40_000)) == 1)
            #expect(try await store.session(hash: "busy", lastSeenSince: at(0), createdSince: at(0)) == nil)
            #expect(try await store.session(hash: "young", lastSeenSince: at(0), createdSince: at(0))?.user == bob)
            #expect(try await store.purgeSessions(lastSeenBefore: at(30_000), createdBefore: at(40_000)) == 0)
        }
    }

    @Test("purgeSignInFailures deletes the counts whose last failure is before the cutoff and keeps the rest", arguments: TestBackend.all)
    func purgeSignInFailuresKeepsRecentOnes(backend: TestBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.recordSignInFailure(account: "old", at: at(1_000), resetBefore: at(0))
            _ = try await store.recordSignInFailure(account: "edge", at: at(5_000), resetBefore: at(0))
            _ = try await store.recordSignInFailure(account: "recent", at: at(9_000), resetBefore: at(0))
            #expect(try await store.purgeSignInFailures(lastFailureBefore: at(5_000)) == 1)
            #expect(try await store.signInFailures(account: "old") == nil)
            #expect(try await store.signInFailures(account: "edge") == SignInFailures(count: 1, last: at(5_000)))
            #expect(try await store.signInFailures(account: "recent") == SignInFailures(count: 1, last: at(9_000)))
            #expect(try await store.purgeSignInFailures(lastFailureBefore: at(5_000)) == 0)
        }
    }

    @Test("a snapshot carries the password hash and a restore writes it; sessions and failed sign-ins stay behind", arguments: TestBackend.all)
    func snapshotCarriesPasswordHashOnly(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            #expect(try await store.setPasswordHash(userID: alice.id, hash: "$scrypt$alice") == true)
            try await store.createSession(hash: "a1", userID: alice.id, at: at(1))
            _ = try await store.recordSignInFailure(account: "alice", at: at(1_000), resetBefore: at(0))
            let aliceSnapshot = try await store.snapshot(of: alice)
            let bobSnapshot = try await store.snapshot(of: bob)
            #expect(aliceSnapshot.passwordHash == "$scrypt$alice")
            #expect(bobSnapshot.passwordHash == nil)
            try await backend.withStore { copy in
                try await copy.restore(aliceSnapshot)
                try await copy.restore(bobSnapshot)
                #expect(try await copy.passwordHash(userID: alice.id) == "$scrypt$alice")
                #expect(try await copy.passwordHash(userID: bob.id) == nil)
                #expect(try await copy.session(hash: "a1", lastSeenSince: at(0), createdSince: at(0)) == nil)
                #expect(try await copy.signInFailures(account: "alice") == nil)
                #expect(try await copy.snapshot(of: alice) == aliceSnapshot)
            }
        }
    }
}

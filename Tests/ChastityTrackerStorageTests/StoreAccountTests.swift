import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Testing

/// Password hashes, sessions and failed sign-ins of the account pages, on every backend.
@Suite("Store conformance: account pages")
struct StoreAccountTests {
    @Test("a password hash is set, read back and replaced; a user without one has none", arguments: TestBackend.all)
    func passwordHashIsSetAndRead(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            #expect(try await store.passwordHash(userID: alice.id) == nil)
            #expect(try await store.setPasswordHash(userID: alice.id, hash: "$scrypt$first") == true)
            #expect(try await store.passwordHash(userID: alice.id) == "$scrypt$first")
            #expect(try await store.setPasswordHash(userID: alice.id, hash: "$scrypt$second") == true)
            #expect(try await store.passwordHash(userID: alice.id) == "$scrypt$second")
            #expect(try await store.passwordHash(userID: bob.id) == nil)
            #expect(try await store.setPasswordHash(userID: bob.id + 1000, hash: "$scrypt$x") == false)
            #expect(try await store.passwordHash(userID: bob.id + 1000) == nil)
        }
    }

    @Test("a session is found by its hash with its user, until it is idle or too old", arguments: TestBackend.all)
    func sessionIsFoundUntilExpiry(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice", timeZone: "Europe/Berlin")
            try await store.createSession(hash: "s-alice", userID: alice.id, at: at(10_000))
            let found = try await store.session(hash: "s-alice", lastSeenSince: at(10_000), createdSince: at(10_000))
            #expect(found == AccountSession(user: alice, created: at(10_000), lastSeen: at(10_000)))
            #expect(try await store.session(hash: "s-other", lastSeenSince: at(0), createdSince: at(0)) == nil)
            // Idle: last seen before the idle cutoff.
            #expect(try await store.session(hash: "s-alice", lastSeenSince: at(10_001), createdSince: at(0)) == nil)
            // Touching moves the idle cutoff, not the absolute one.
            try await store.touchSession(hash: "s-alice", at: at(50_000))
            #expect(
                try await store.session(hash: "s-alice", lastSeenSince: at(40_000), createdSince: at(0))
                    == AccountSession(user: alice, created: at(10_000), lastSeen: at(50_000)))
            #expect(try await store.session(hash: "s-alice", lastSeenSince: at(40_000), createdSince: at(10_001)) == nil)
        }
    }

    @Test("createSession refuses a missing user and a hash already stored", arguments: TestBackend.all)
    func createSessionRefusesMissingUserAndDuplicate(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            try await store.createSession(hash: "s1", userID: alice.id, at: at(1))
            await #expect(throws: StoreError.missing("user \(alice.id + 1000)")) {
                try await store.createSession(hash: "s2", userID: alice.id + 1000, at: at(1))
            }
            let error = await #expect(throws: StoreError.self) {
                try await store.createSession(hash: "s1", userID: alice.id, at: at(2))
            }
            #expect(error?.isConflict == true)
            #expect(try await store.session(hash: "s1", lastSeenSince: at(0), createdSince: at(0))?.created == at(1))
        }
    }

    @Test("deleteSession ends one session; deleteSessions ends all of one user's and no one else's", arguments: TestBackend.all)
    func sessionsAreDeleted(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            for hash in ["a1", "a2", "a3"] { try await store.createSession(hash: hash, userID: alice.id, at: at(1)) }
            try await store.createSession(hash: "b1", userID: bob.id, at: at(1))
            #expect(try await store.deleteSession(hash: "a1") == true)
            #expect(try await store.deleteSession(hash: "a1") == false)
            #expect(try await store.session(hash: "a1", lastSeenSince: at(0), createdSince: at(0)) == nil)
            #expect(try await store.session(hash: "a2", lastSeenSince: at(0), createdSince: at(0)) != nil)
            #expect(try await store.deleteSessions(userID: alice.id) == 2)
            #expect(try await store.session(hash: "a2", lastSeenSince: at(0), createdSince: at(0)) == nil)
            #expect(try await store.session(hash: "a3", lastSeenSince: at(0), createdSince: at(0)) == nil)
            #expect(try await store.session(hash: "b1", lastSeenSince: at(0), createdSince: at(0))?.user == bob)
            #expect(try await store.deleteSessions(userID: alice.id) == 0)
        }
    }

    @Test("setting a password ends all of that user's sessions and no one else's", arguments: TestBackend.all)
    func settingPasswordEndsSessions(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            try await store.createSession(hash: "a1", userID: alice.id, at: at(1))
            try await store.createSession(hash: "b1", userID: bob.id, at: at(1))
            #expect(try await store.setPasswordHash(userID: alice.id, hash: "$scrypt$new") == true)
            #expect(try await store.session(hash: "a1", lastSeenSince: at(0), createdSince: at(0)) == nil)
            #expect(try await store.session(hash: "b1", lastSeenSince: at(0), createdSince: at(0))?.user == bob)
        }
    }

    @Test("deleting a user deletes their sessions by cascade", arguments: TestBackend.all)
    func deletingUserDeletesSessions(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            try await store.createSession(hash: "a1", userID: alice.id, at: at(1))
            #expect(try await store.deleteUser(id: alice.id) == true)
            #expect(try await store.session(hash: "a1", lastSeenSince: at(0), createdSince: at(0)) == nil)
            #expect(try await store.deleteSession(hash: "a1") == false)
            // A new user who happens to get the same name does not inherit anything.
            let again = try await store.makeUser("alice")
            #expect(try await store.passwordHash(userID: again.id) == nil)
        }
    }

    @Test("failed sign-ins count per account, start again after the quiet period, and are cleared", arguments: TestBackend.all)
    func signInFailuresAreCounted(backend: TestBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.signInFailures(account: "alice") == nil)
            #expect(
                try await store.recordSignInFailure(account: "alice", at: at(1_000), resetBefore: at(0))
                    == SignInFailures(count: 1, last: at(1_000)))
            #expect(
                try await store.recordSignInFailure(account: "alice", at: at(2_000), resetBefore: at(500))
                    == SignInFailures(count: 2, last: at(2_000)))
            // Names that belong to no one are counted too, separately.
            #expect(
                try await store.recordSignInFailure(account: "nobody", at: at(2_500), resetBefore: at(0))
                    == SignInFailures(count: 1, last: at(2_500)))
            #expect(try await store.signInFailures(account: "alice") == SignInFailures(count: 2, last: at(2_000)))
            // The last failure is older than the reset instant: counting starts again.
            #expect(
                try await store.recordSignInFailure(account: "alice", at: at(9_000), resetBefore: at(2_001))
                    == SignInFailures(count: 1, last: at(9_000)))
            try await store.clearSignInFailures(account: "alice")
            #expect(try await store.signInFailures(account: "alice") == nil)
            #expect(try await store.signInFailures(account: "nobody") == SignInFailures(count: 1, last: at(2_500)))
        }
    }

    @Test("concurrent failed sign-ins are all counted", arguments: TestBackend.all)
    func concurrentFailuresAreAllCounted(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask { _ = try await store.recordSignInFailure(account: "alice", at: at(1_000 + Int64(index)), resetBefore: at(0)) }
                }
                try await group.waitForAll()
            }
            #expect(try await store.signInFailures(account: "alice")?.count == 20)
        }
    }
}

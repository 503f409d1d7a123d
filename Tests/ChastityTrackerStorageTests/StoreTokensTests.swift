import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Testing

/// Tokens, on every backend.
@Suite("Store conformance: tokens")
struct StoreTokensTests {
    @Test("createToken stores the token unused and unrevoked; token(id:) and tokens(userID:) return it", arguments: TestBackend.all)
    func createdTokenIsListed(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let token = try await store.createToken(userID: alice.id, label: "phone", permission: .write, hash: "hash-1", at: at(1_000))
            #expect(
                token
                    == TokenInfo(
                        id: token.id, userID: alice.id, label: "phone", permission: .write, created: at(1_000), lastUsed: nil, revoked: nil
                    ))
            #expect(try await store.token(id: token.id) == token)
            #expect(try await store.tokens(userID: alice.id) == [token])
            #expect(try await store.token(id: token.id + 1000) == nil)
        }
    }

    @Test("tokens(userID:) lists only that user's tokens, oldest first", arguments: TestBackend.all)
    func tokensAreListedOldestFirst(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            let first = try await store.createToken(userID: alice.id, label: "a", permission: .read, hash: "h1", at: at(30))
            _ = try await store.createToken(userID: bob.id, label: "b", permission: .read, hash: "h2", at: at(20))
            let third = try await store.createToken(userID: alice.id, label: "c", permission: .write, hash: "h3", at: at(10))
            #expect(third.id > first.id)
            #expect(try await store.tokens(userID: alice.id) == [first, third])
        }
    }

    @Test("createToken for a missing user throws missing and stores nothing", arguments: TestBackend.all)
    func tokenForMissingUserIsMissing(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            #expect(try await store.deleteUser(id: alice.id))
            await #expect(throws: StoreError.missing("user \(alice.id)")) {
                _ = try await store.createToken(userID: alice.id, label: "x", permission: .read, hash: "h", at: at(1))
            }
            #expect(try await store.principal(forTokenHash: "h") == nil)
        }
    }

    @Test("createToken with a hash already stored throws conflict", arguments: TestBackend.all)
    func duplicateHashConflicts(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            let first = try await store.createToken(userID: alice.id, label: "", permission: .read, hash: "same", at: at(1))
            let error = await #expect(throws: StoreError.self) {
                _ = try await store.createToken(userID: bob.id, label: "", permission: .write, hash: "same", at: at(2))
            }
            #expect(error?.isConflict == true)
            #expect(try await store.tokens(userID: bob.id) == [])
            #expect(try await store.principal(forTokenHash: "same")?.tokenID == first.id)
        }
    }

    @Test("principal(forTokenHash:) names the token, its owner, the owner's time zone and the permission", arguments: TestBackend.all)
    func principalDescribesTheCaller(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice", timeZone: "Pacific/Auckland")
            let read = try await store.createToken(userID: alice.id, label: "r", permission: .read, hash: "hr", at: at(1))
            let write = try await store.createToken(userID: alice.id, label: "w", permission: .write, hash: "hw", at: at(2))
            let state = backend.isPostgres ? nil : try await store.changeState(userID: alice.id)
            #expect(
                try await store.principal(forTokenHash: "hr")
                    == Principal(
                        tokenID: read.id, userID: alice.id, timeZone: "Pacific/Auckland", permission: .read, lastUsed: nil,
                        recordsState: state
                    ))
            #expect(
                try await store.principal(forTokenHash: "hw")
                    == Principal(
                        tokenID: write.id, userID: alice.id, timeZone: "Pacific/Auckland", permission: .write, lastUsed: nil,
                        recordsState: state
                    ))
            #expect(try await store.principal(forTokenHash: "unknown") == nil)
        }
    }

    @Test("On SQLite the principal carries its owner's changes feed state, which every write to the owner's records moves")
    func principalCarriesTheRecordsState() async throws {
        try await TestBackend.sqlite.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            _ = try await store.createToken(userID: alice.id, label: "", permission: .read, hash: "ha", at: at(1))
            let initial = try #require(try await store.principal(forTokenHash: "ha")?.recordsState)
            #expect(initial == (try await store.changeState(userID: alice.id)))
            #expect(initial.sequence == 0)

            let created = try await store.insert([record("2025-01-01"), record("2025-01-02")], userID: alice.id)
            #expect(try await store.principal(forTokenHash: "ha")?.recordsState == ChangeState(epoch: initial.epoch, sequence: 2))
            var changes = OrgasmChanges()
            changes.type = .set("x")
            _ = try await store.update(id: created[0].id, userID: alice.id, changes: changes)
            #expect(try await store.principal(forTokenHash: "ha")?.recordsState == ChangeState(epoch: initial.epoch, sequence: 3))
            _ = try await store.delete(id: created[1].id, userID: alice.id)
            #expect(try await store.principal(forTokenHash: "ha")?.recordsState == ChangeState(epoch: initial.epoch, sequence: 4))
            // Another user's writes leave it where it is.
            _ = try await store.insert([record("2025-01-03")], userID: bob.id)
            #expect(try await store.principal(forTokenHash: "ha")?.recordsState == ChangeState(epoch: initial.epoch, sequence: 4))
        }
    }

    @Test("touchToken records the last use, seen by token(id:), tokens(userID:) and principal", arguments: TestBackend.all)
    func touchRecordsLastUse(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let token = try await store.createToken(userID: alice.id, label: "", permission: .read, hash: "h", at: at(1))
            try await store.touchToken(id: token.id, at: at(5_000))
            try await store.touchToken(id: token.id, at: at(7_000))
            var expected = token
            expected.lastUsed = at(7_000)
            #expect(try await store.token(id: token.id) == expected)
            #expect(try await store.tokens(userID: alice.id) == [expected])
            #expect(try await store.principal(forTokenHash: "h")?.lastUsed == at(7_000))
            // Touching a token that does not exist is not an error and changes nothing.
            try await store.touchToken(id: token.id + 1000, at: at(9_000))
            #expect(try await store.token(id: token.id) == expected)
        }
    }

    @Test("revokeToken stops the token at once and keeps the first revocation time", arguments: TestBackend.all)
    func revokeKeepsFirstTime(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let token = try await store.createToken(userID: alice.id, label: "", permission: .write, hash: "h", at: at(1))
            let other = try await store.createToken(userID: alice.id, label: "", permission: .write, hash: "h2", at: at(2))

            #expect(try await store.revokeToken(id: token.id, at: at(100)))
            #expect(try await store.principal(forTokenHash: "h") == nil)
            #expect(try await store.token(id: token.id)?.revoked == at(100))

            #expect(try await store.revokeToken(id: token.id, at: at(200)))
            #expect(try await store.token(id: token.id)?.revoked == at(100))

            #expect(try await store.revokeToken(id: token.id + 1000, at: at(300)) == false)
            #expect(try await store.token(id: other.id) == other)
            #expect(try await store.principal(forTokenHash: "h2")?.tokenID == other.id)
        }
    }

    @Test("replaceTokenHash makes the old hash stop working and the new one work", arguments: TestBackend.all)
    func replaceHashSwapsSecrets(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let token = try await store.createToken(userID: alice.id, label: "l", permission: .write, hash: "old", at: at(1))
            #expect(try await store.replaceTokenHash(id: token.id, hash: "new"))
            #expect(try await store.principal(forTokenHash: "old") == nil)
            #expect(try await store.principal(forTokenHash: "new")?.tokenID == token.id)
            #expect(try await store.token(id: token.id) == token)
        }
    }

    @Test("replaceTokenHash refuses a revoked or missing token and changes nothing", arguments: TestBackend.all)
    func replaceHashRefusesRevoked(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let token = try await store.createToken(userID: alice.id, label: "", permission: .read, hash: "old", at: at(1))
            #expect(try await store.revokeToken(id: token.id, at: at(50)))
            #expect(try await store.replaceTokenHash(id: token.id, hash: "new") == false)
            #expect(try await store.principal(forTokenHash: "new") == nil)
            #expect(try await store.principal(forTokenHash: "old") == nil)
            #expect(try await store.replaceTokenHash(id: token.id + 1000, hash: "other") == false)
        }
    }

    @Test("replaceTokenHash to a hash another token holds throws conflict", arguments: TestBackend.all)
    func replaceHashConflicts(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let first = try await store.createToken(userID: alice.id, label: "", permission: .read, hash: "one", at: at(1))
            let second = try await store.createToken(userID: alice.id, label: "", permission: .read, hash: "two", at: at(2))
            let error = await #expect(throws: StoreError.self) {
                _ = try await store.replaceTokenHash(id: second.id, hash: "one")
            }
            #expect(error?.isConflict == true)
            #expect(try await store.principal(forTokenHash: "one")?.tokenID == first.id)
            #expect(try await store.principal(forTokenHash: "two")?.tokenID == second.id)
        }
    }

    @Test("Token ids are not reused after the newest token's user is deleted", arguments: TestBackend.all)
    func tokenIDsAreNotReused(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            _ = try await store.createToken(userID: alice.id, label: "", permission: .read, hash: "a", at: at(1))
            let newest = try await store.createToken(userID: bob.id, label: "", permission: .read, hash: "b", at: at(2))
            #expect(try await store.deleteUser(id: bob.id))
            let next = try await store.createToken(userID: alice.id, label: "", permission: .read, hash: "c", at: at(3))
            #expect(next.id > newest.id)
        }
    }
}

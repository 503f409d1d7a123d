import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Testing

/// Users, on every backend.
@Suite("Store conformance: users")
struct StoreUsersTests {
    @Test("createUser returns the user with its id, and user(named:) finds exactly it", arguments: TestBackend.all)
    func createdUserIsFoundByName(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let created = try await store.createUser(name: "alice", timeZone: "Europe/Berlin", at: at(1_700_000_000_123))
            #expect(created.name == "alice")
            #expect(created.timeZone == "Europe/Berlin")
            #expect(created.created == at(1_700_000_000_123))
            #expect(try await store.user(named: "alice") == created)
            #expect(try await store.user(named: "Alice") == nil)
            #expect(try await store.user(named: "nobody") == nil)
        }
    }

    @Test("users() lists everyone ordered by name in code-point order", arguments: TestBackend.all)
    func usersAreOrderedByCodePoint(backend: TestBackend) async throws {
        try await backend.withStore { store in
            for name in ["carol", "bob", "Zed", "Alice", "émile"] { _ = try await store.makeUser(name) }
            #expect(try await store.users().map(\.name) == ["Alice", "Zed", "bob", "carol", "émile"])
        }
    }

    @Test("createUser with a taken name throws conflict and keeps the first user", arguments: TestBackend.all)
    func duplicateNameConflicts(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let first = try await store.makeUser("alice")
            let error = await #expect(throws: StoreError.self) {
                _ = try await store.createUser(name: "alice", timeZone: "Asia/Tokyo", at: at(5))
            }
            #expect(error?.isConflict == true)
            #expect(try await store.users() == [first])
        }
    }

    @Test("deleteUser removes the user with their tokens and records, and answers false the second time", arguments: TestBackend.all)
    func deleteUserCascades(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            let token = try await store.createToken(userID: alice.id, label: "phone", permission: .write, hash: "h-alice", at: at(1))
            let bobToken = try await store.createToken(userID: bob.id, label: "", permission: .read, hash: "h-bob", at: at(2))
            let items = try await store.insert([record("2026-01-01"), record("2026-01-02")], userID: alice.id)
            let bobItems = try await store.insert([record("2026-01-03")], userID: bob.id)

            #expect(try await store.deleteUser(id: alice.id) == true)

            #expect(try await store.user(named: "alice") == nil)
            #expect(try await store.users() == [bob])
            #expect(try await store.tokens(userID: alice.id) == [])
            #expect(try await store.token(id: token.id) == nil)
            #expect(try await store.principal(forTokenHash: "h-alice") == nil)
            #expect(try await store.orgasm(id: items[0].id, userID: alice.id) == nil)
            #expect(try await store.all(alice.id) == OrgasmPage(total: 0, items: []))
            #expect(try await store.orgasms(userID: alice.id, afterID: 0, limit: 10) == [])
            // Another user's data is untouched.
            #expect(try await store.tokens(userID: bob.id) == [bobToken])
            #expect(try await store.all(bob.id) == OrgasmPage(total: 1, items: bobItems))

            #expect(try await store.deleteUser(id: alice.id) == false)
            #expect(try await store.deleteUser(id: 987_654) == false)
        }
    }

    @Test("A name freed by deleteUser can be taken again", arguments: TestBackend.all)
    func deletedNameIsFree(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let first = try await store.makeUser("alice")
            #expect(try await store.deleteUser(id: first.id))
            let second = try await store.createUser(name: "alice", timeZone: "UTC", at: at(9))
            #expect(try await store.user(named: "alice") == second)
            #expect(try await store.tokens(userID: second.id) == [])
        }
    }

    @Test("ping answers on an open store", arguments: TestBackend.all)
    func pingAnswers(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.ping()
        }
    }

    @Test("Reopening a database keeps its data and does not migrate it again", arguments: TestBackend.all)
    func reopeningKeepsData(backend: TestBackend) async throws {
        try await backend.withDatabase { location in
            let first = try await backend.open(location)
            let alice = try await first.makeUser("alice")
            let items = try await first.insert([record("2026-01-01", .ruined, type: "Stroke")], userID: alice.id)
            try await first.close()

            let second = try await backend.open(location)
            #expect(try await second.user(named: "alice") == alice)
            #expect(try await second.all(alice.id) == OrgasmPage(total: 1, items: items))
            try await second.close()
        }
    }
}

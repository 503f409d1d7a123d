import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Testing

/// Units of work (`withUnitOfWork`), on every backend: the reads an API request makes inside one
/// answer as the store's own do, and the work's errors come out unchanged.
@Suite("Store conformance: units of work")
struct StoreUnitOfWorkTests {
    @Test("Inside a unit of work the token lookup, the list and the details answer as the store's own reads", arguments: TestBackend.all)
    func readsInsideAUnitOfWorkAnswerAsTheStore(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let token = try await store.createToken(userID: alice.id, label: "t", permission: .write, hash: "h1", at: at(1))
            let created = try await store.insert([record("2025-01-01"), record("2025-01-02", .ruined)], userID: alice.id)
            let (principal, page, details, missing) = try await store.withUnitOfWork { reads in
                (
                    try await reads.principal(forTokenHash: "h1"),
                    try await reads.orgasms(userID: alice.id, matching: OrgasmQuery(mode: .ruined)),
                    try await reads.orgasm(id: created[0].id, userID: alice.id),
                    try await reads.principal(forTokenHash: "h2")
                )
            }
            let state = backend.isPostgres ? nil : try await store.changeState(userID: alice.id)
            #expect(
                principal
                    == Principal(tokenID: token.id, userID: alice.id, timeZone: "UTC", permission: .write, lastUsed: nil, recordsState: state))
            #expect(page == OrgasmPage(total: 1, items: [created[1]]))
            #expect(details == created[0])
            #expect(missing == nil)
        }
    }

    @Test("An error thrown by the work comes out unchanged, and the store keeps working", arguments: TestBackend.all)
    func workErrorsPassThrough(backend: TestBackend) async throws {
        struct Refused: Error, Equatable {}
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            for _ in 0..<3 {
                await #expect(throws: Refused()) {
                    try await store.withUnitOfWork { reads -> Int in
                        _ = try await reads.orgasms(userID: alice.id, matching: OrgasmQuery())
                        throw Refused()
                    }
                }
            }
            #expect(try await store.withUnitOfWork { try await $0.orgasms(userID: alice.id, matching: OrgasmQuery()) }.total == 0)
        }
    }
}

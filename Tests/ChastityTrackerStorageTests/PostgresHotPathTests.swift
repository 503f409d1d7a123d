import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Foundation
import PostgresNIO
import Testing

@testable import ChastityTrackerPostgres

/// The API's hot path on PostgreSQL does per request what SQLite's does (docs/BENCHMARKS.md,
/// issue 12): the unfiltered total is the kept `orgasm_totals` row, not a count of the user's
/// records; the page and the filtered counts are index-only scans of `orgasms_owner_page`, with
/// no sort; and the statements are named prepared statements, parsed once per connection.
@Suite("PostgreSQL hot path")
struct PostgresHotPathTests {
    @Test("The hot path's statements are prepared once per connection under their short names", arguments: TestBackend.postgres)
    func hotPathStatementsArePrepared(backend: TestBackend) async throws {
        try await backend.withDatabase { url in
            // One connection, so every call below and the check run on the same one.
            try await TestBackend.closing(
                try await PostgresStore.open(url: url, poolSize: 1, connectionWait: .seconds(20), logger: TestBackend.logger)
            ) { store in
                let alice = try await store.makeUser("alice")
                let token = try await store.createToken(userID: alice.id, label: "t", permission: .read, hash: "h1", at: at(1))
                #expect(try await store.principal(forTokenHash: "h1")?.tokenID == token.id)
                try await store.touchToken(id: token.id, at: at(2))
                let created = try await store.insert([record("2025-01-01")], userID: alice.id, quota: 10, completing: nil)
                #expect(try await store.orgasm(id: created[0].id, userID: alice.id) == created[0])
                #expect(try await store.orgasms(userID: alice.id, matching: OrgasmQuery()).items == created)
                #expect(try await store.orgasms(userID: alice.id, matching: OrgasmQuery(mode: .full)).items == created)
                let names = try await store.session { session in
                    try await session.rows("SELECT name FROM pg_prepared_statements ORDER BY name").map { try $0.decode(String.self) }
                }
                // An insert under the quota without an idempotency key is the one statement ct_insert_quota.
                #expect(names == ["ct_details", "ct_insert_quota", "ct_list_0", "ct_list_8", "ct_principal", "ct_touch_token"])
            }
        }
    }

    @Test("A unit of work holds one pooled connection for all its reads", arguments: TestBackend.postgres)
    func unitOfWorkHoldsOneLease(backend: TestBackend) async throws {
        try await backend.withDatabase { url in
            // The data, through a store that may wait as long as a loaded machine needs.
            let setup = try await PostgresStore.open(url: url, poolSize: 1, connectionWait: .seconds(20), logger: TestBackend.logger)
            let alice = try await setup.makeUser("alice")
            _ = try await setup.createToken(userID: alice.id, label: "t", permission: .read, hash: "h1", at: at(1))
            let created = try await setup.insert([record("2025-01-01")], userID: alice.id)
            try await setup.close()
            // One connection: while the unit holds it, any other lease waits and gives up after
            // 2 s. Connecting (SCRAM) can take longer than that on a loaded machine, so the store
            // gets a few tries to open its one connection before the check.
            var opened: PostgresStore?
            for _ in 0..<5 where opened == nil {
                opened = try? await PostgresStore.open(url: url, poolSize: 1, connectionWait: .seconds(2), logger: TestBackend.logger)
            }
            try await TestBackend.closing(try #require(opened)) { store in
                try await store.ping()
                try await store.withUnitOfWork { reads async throws -> Void in
                    #expect(try await reads.principal(forTokenHash: "h1")?.userID == alice.id)
                    await #expect(throws: StoreError.unavailable) { try await store.ping() }
                    #expect(try await reads.orgasms(userID: alice.id, matching: OrgasmQuery()).items == created)
                    #expect(try await reads.orgasm(id: created[0].id, userID: alice.id) == created[0])
                }
                // Returned to the pool afterwards.
                try await store.ping()
            }
        }
    }

    @Test(
        "Without filters the total is read from orgasm_totals and the page from the covering index, with no count and no Sort",
        arguments: TestBackend.postgres)
    func unfilteredListReadsTheKeptTotal(backend: TestBackend) async throws {
        try await backend.withDatabase { url in
            let alice = try await seed(url)
            let plan = try await explain(url, sql: listSQL[0], binds: [alice, Int64(50), Int64(0)])
            let text = plan.joined(separator: "\n")
            #expect(text.contains("on orgasm_totals"), "\(text)")
            // One aggregate: the page's arrays; no count.
            #expect(plan.filter { $0.contains("Aggregate") }.count == 1, "\(text)")
            #expect(text.contains("Index Only Scan using orgasms_owner_page on orgasms"), "\(text)")
            #expect(!text.contains("Sort"), "\(text)")
        }
    }

    @Test("With filters the count and the page are index-only scans of the covering index, with no Sort", arguments: TestBackend.postgres)
    func filteredListIsIndexOnly(backend: TestBackend) async throws {
        try await backend.withDatabase { url in
            let alice = try await seed(url)
            // Bits 1 (from), 2 (to) and 8 (mode).
            let plan = try await explain(url, sql: listSQL[11], binds: [alice, "2025-02-01", "2025-08-01", "full", Int64(50), Int64(0)])
            let text = plan.joined(separator: "\n")
            #expect(plan.filter { $0.contains("Index Only Scan using orgasms_owner_page on orgasms") }.count == 2, "\(text)")
            #expect(!text.contains("Seq Scan") && !text.contains("Heap Scan") && !text.contains("Sort"), "\(text)")
        }
    }

    @Test("The unfiltered total is the kept total, as on SQLite: a user without a totals row has 0", arguments: TestBackend.postgres)
    func unfilteredTotalFollowsTheKeptRow(backend: TestBackend) async throws {
        try await backend.withDatabase { url in
            try await TestBackend.closing(
                try await PostgresStore.open(url: url, poolSize: 2, connectionWait: .seconds(20), logger: TestBackend.logger)
            ) { store in
                let alice = try await store.makeUser("alice")
                _ = try await store.insert([record("2025-01-01"), record("2025-01-02"), record("2025-01-03")], userID: alice.id)
                let filtered = try await store.orgasms(userID: alice.id, matching: OrgasmQuery(from: day("2025-01-02")))
                #expect(filtered.total == 2)
                let page = try await store.orgasms(userID: alice.id, matching: OrgasmQuery(limit: 1, offset: 5))
                #expect(page.total == 3 && page.items.isEmpty)
                // The total the list reports is the kept one: changed behind the triggers' back, the
                // list shows the change (a count of the records would still say 3).
                try await store.session { try await $0.run("UPDATE orgasm_totals SET total = 7 WHERE user_id = \(alice.id)") }
                #expect(try await store.orgasms(userID: alice.id, matching: OrgasmQuery()).total == 7)
                try await store.session { try await $0.run("DELETE FROM orgasm_totals WHERE user_id = \(alice.id)") }
                #expect(try await store.orgasms(userID: alice.id, matching: OrgasmQuery()).total == 0)
            }
        }
    }

    @Test(
        "The update's locking fallback (after three lost compare-and-set races) applies the changes, the dom rule included, and finds no other user's record",
        arguments: TestBackend.postgres)
    func lockingUpdateFallback(backend: TestBackend) async throws {
        try await backend.withDatabase { url in
            try await TestBackend.closing(
                try await PostgresStore.open(url: url, poolSize: 2, connectionWait: .seconds(20), logger: TestBackend.logger)
            ) { store in
                let alice = try await store.makeUser("alice")
                let bob = try await store.makeUser("bob")
                let item = try await store.insert(
                    [record("2026-01-01", .full, public: true, type: "Stroke", grantedBy: "Her", inserted: 5)], userID: alice.id)[0]
                var toDom = OrgasmChanges()
                toDom.mode = .set(.dom)
                toDom.type = .set(nil)
                let expected = Orgasm(
                    id: item.id, date: item.date, mode: .dom, isPublic: false, type: nil, grantedBy: nil, inserted: item.inserted)
                let before = try #require(try await store.changeState(userID: alice.id))
                #expect(try await store.lockingUpdate(id: item.id, userID: bob.id, changes: toDom) == nil)
                #expect(try await store.orgasm(id: item.id, userID: alice.id) == item)
                #expect(try await store.lockingUpdate(id: item.id, userID: alice.id, changes: toDom) == expected)
                #expect(try await store.orgasm(id: item.id, userID: alice.id) == expected)
                #expect(try await store.lockingUpdate(id: item.id + 1000, userID: alice.id, changes: toDom) == nil)
                // The fallback moves the changes feed like any update: by one, with the item in `updated`.
                guard case .page(let page) = try await store.changes(userID: alice.id, since: before, limit: 10) else {
                    Issue.record("no page after the fallback")
                    return
                }
                #expect(page.newState.sequence == before.sequence + 1)
                #expect(page.updated == [expected])
            }
        }
    }

    /// Two users with records interleaved, vacuumed and analysed; returns the first user's id.
    private func seed(_ url: String) async throws -> Int64 {
        let store = try await PostgresStore.open(url: url, poolSize: 2, connectionWait: .seconds(20), logger: TestBackend.logger)
        let alice = try await store.makeUser("alice")
        let bob = try await store.makeUser("bob")
        for batch in 0..<5 {
            for (user, count) in [(alice, 400), (bob, 1600)] {
                _ = try await store.insert(
                    (0..<count).map { index in record("2025-0\(index % 9 + 1)-0\(batch + 1)", index % 2 == 0 ? .full : .ruined) },
                    userID: user.id)
            }
        }
        try await store.close()
        return alice.id
    }

    /// The plan of `sql` with `binds`, after VACUUM ANALYZE (what autovacuum does after a bulk
    /// load: statistics and the visibility map that index-only scans need).
    private func explain(_ url: String, sql: String, binds: [any PostgresDynamicTypeEncodable]) async throws -> [String] {
        let connection = try await PostgresServer(url: url).connect()
        do {
            try await connection.query("VACUUM ANALYZE orgasms", logger: TestBackend.logger)
            try await connection.query("VACUUM ANALYZE orgasm_totals", logger: TestBackend.logger)
            var bindings = PostgresBindings()
            for bind in binds { bindings.append(bind) }
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "EXPLAIN " + sql, binds: bindings), logger: TestBackend.logger)
            var plan: [String] = []
            for try await line in rows.decode(String.self) { plan.append(line) }
            try await connection.close()
            return plan
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

@Suite("PostgreSQL: the changes feed in a unit of work")
struct PostgresChangesUnitOfWorkTests {
    @Test(
        "a GET's unit of work reads the feed on its own connection: with a pool of one, no second lease is needed",
        arguments: TestBackend.postgres)
    func feedReadsInTheUnitOfWork(backend: TestBackend) async throws {
        try await backend.withDatabase { url in
            try await TestBackend.closing(
                // A long wait, for a loaded machine (2 s ran out in a CI-like run): a second lease
                // would still wait all of it and then fail, while the unit of work holds the one.
                try await PostgresStore.open(url: url, poolSize: 1, connectionWait: .seconds(20), logger: TestBackend.logger)
            ) { store in
                let alice = try await store.makeUser("alice")
                let start = try #require(try await store.changeState(userID: alice.id))
                let item = try await store.insert([record("2026-01-01")], userID: alice.id)[0]
                let answer = try await store.withUnitOfWork { reads in
                    // The only pooled connection is this unit of work's: a read that leased
                    // another would wait out the connection wait and fail.
                    (try await reads.changeState(userID: alice.id), try await reads.changes(userID: alice.id, since: start, limit: 10))
                }
                #expect(answer.0 == ChangeState(epoch: start.epoch, sequence: 1))
                guard case .page(let page)? = answer.1 else {
                    Issue.record("no page")
                    return
                }
                #expect(page.created == [item])
            }
        }
    }
}

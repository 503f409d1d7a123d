import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Foundation
import Testing

/// The changes feed (docs/CONTRACT.md section 13) on every backend: each write moves the user's
/// state in its own transaction, and a state is answered with what changed after it.
@Suite("Store conformance: changes feed")
struct StoreChangesTests {
    private func page(_ store: any ChastityStore, _ userID: Int64, since: ChangeState, limit: Int = 500) async throws -> ChangesPage {
        guard case .page(let page) = try await store.changes(userID: userID, since: since, limit: limit) else {
            Issue.record("expected a page since \(since)")
            throw StoreError.missing("page")
        }
        return page
    }

    @Test("insert A and B, take S; patch A, delete B, insert C: updated [A], destroyed [B], created [C]; then nothing", arguments: TestBackend.all)
    func theIssuesExample(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let start = try #require(try await store.changeState(userID: alice.id))
            #expect(start.sequence == 0)
            let ab = try await store.insert([record("2026-01-01"), record("2026-01-02")], userID: alice.id)
            let s = try #require(try await store.changeState(userID: alice.id))
            #expect(s == ChangeState(epoch: start.epoch, sequence: 2))
            var changes = OrgasmChanges()
            changes.type = .set("edited")
            let a = try #require(try await store.update(id: ab[0].id, userID: alice.id, changes: changes))
            #expect(try await store.delete(id: ab[1].id, userID: alice.id))
            let c = try await store.insert([record("2026-01-03")], userID: alice.id)[0]
            let answer = try await page(store, alice.id, since: s)
            #expect(answer.oldState == s)
            #expect(answer.newState == ChangeState(epoch: s.epoch, sequence: 5))
            #expect(!answer.hasMoreChanges)
            #expect(answer.updated == [a])
            #expect(answer.destroyed == [ab[1].id])
            #expect(answer.created == [c])
            let again = try await page(store, alice.id, since: answer.newState)
            #expect(
                again
                    == ChangesPage(
                        oldState: answer.newState, newState: answer.newState, hasMoreChanges: false, created: [], updated: [], destroyed: []))
            // From the start: A (updated since) and C are created, B was created and deleted: in no list.
            let fromStart = try await page(store, alice.id, since: start)
            #expect(fromStart.created == [a, c])
            #expect(fromStart.updated.isEmpty)
            #expect(fromStart.destroyed.isEmpty)
        }
    }

    @Test("300 inserts read at limit 100 come in three pages whose union is one unlimited answer", arguments: TestBackend.all)
    func pagesChain(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let start = try #require(try await store.changeState(userID: alice.id))
            var inserted: [Orgasm] = []
            for _ in 0..<6 { inserted += try await store.insert((0..<50).map { _ in record("2026-02-01") }, userID: alice.id) }
            let whole = try await page(store, alice.id, since: start, limit: 500)
            #expect(whole.created == inserted)
            var state = start
            var union: [Orgasm] = []
            var pages = 0
            while true {
                let next = try await page(store, alice.id, since: state, limit: 100)
                #expect(next.created.count + next.updated.count + next.destroyed.count <= 100)
                union += next.created
                pages += 1
                state = next.newState
                if !next.hasMoreChanges { break }
            }
            #expect(pages == 3)
            #expect(union == inserted)
            #expect(state == whole.newState)
        }
    }

    @Test(
        "a page cut short by its limit ends at its last change, and the next one goes on from there, deletions included", arguments: TestBackend.all)
    func mixedPages(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let items = try await store.insert((0..<4).map { _ in record("2026-03-01") }, userID: alice.id)
            let s = try #require(try await store.changeState(userID: alice.id))
            #expect(try await store.delete(id: items[0].id, userID: alice.id))  // s+1
            var changes = OrgasmChanges()
            changes.mode = .set(.ruined)
            let updated = try #require(try await store.update(id: items[1].id, userID: alice.id, changes: changes))  // s+2
            #expect(try await store.delete(id: items[2].id, userID: alice.id))  // s+3
            let first = try await page(store, alice.id, since: s, limit: 2)
            #expect(first.destroyed == [items[0].id])
            #expect(first.updated == [updated])
            #expect(first.hasMoreChanges)
            #expect(first.newState.sequence == s.sequence + 2)
            let second = try await page(store, alice.id, since: first.newState, limit: 2)
            #expect(second.destroyed == [items[2].id])
            #expect(second.created.isEmpty && second.updated.isEmpty)
            #expect(!second.hasMoreChanges)
            #expect(second.newState.sequence == s.sequence + 3)
        }
    }

    @Test("another epoch, a state from the future and a malformed one are not answered", arguments: TestBackend.all)
    func foreignStates(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            let state = try #require(try await store.changeState(userID: alice.id))
            let bobs = try #require(try await store.changeState(userID: bob.id))
            #expect(state.epoch != bobs.epoch)
            #expect(try await store.changes(userID: alice.id, since: bobs, limit: 10) == .expired)
            #expect(try await store.changes(userID: alice.id, since: ChangeState(epoch: state.epoch, sequence: 1), limit: 10) == .expired)
            #expect(try await store.changes(userID: 987_654, since: state, limit: 10) == nil)
            #expect(try await store.changeState(userID: 987_654) == nil)
            for text in [
                "", "0", "abc", "0123456789abcdef", "0123456789abcdef-", "0123456789ABCDEF-1", "0123456789abcdef-01", "0123456789abcdef--1",
                "0123456789abcdef-99999999999999999999",
            ] {
                #expect(ChangeState(text) == nil, "\(text)")
            }
            #expect(ChangeState("0123456789abcdef-0") == ChangeState(epoch: "0123456789abcdef", sequence: 0))
            #expect(ChangeState(state.description) == state)
        }
    }

    @Test("another user's writes never appear in a feed, nor move its state", arguments: TestBackend.all)
    func usersAreApart(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            let s = try #require(try await store.changeState(userID: alice.id))
            let bobs = try await store.insert([record("2026-01-01")], userID: bob.id)
            #expect(try await store.delete(id: bobs[0].id, userID: bob.id))
            #expect(try await store.delete(id: bobs[0].id, userID: alice.id) == false)
            #expect(try await store.changeState(userID: alice.id) == s)
            let answer = try await page(store, alice.id, since: s)
            #expect(answer.created.isEmpty && answer.updated.isEmpty && answer.destroyed.isEmpty)
        }
    }

    @Test("a refused insert (over quota) and a missing item's update or delete do not move the state", arguments: TestBackend.all)
    func failuresDoNotMove(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            _ = try await store.insert([record("2026-01-01")], userID: alice.id, quota: 2, completing: nil)
            let s = try #require(try await store.changeState(userID: alice.id))
            await #expect(throws: StoreError.quotaExceeded(quota: 2)) {
                try await store.insert([record("2026-01-02"), record("2026-01-03")], userID: alice.id, quota: 2, completing: nil)
            }
            var changes = OrgasmChanges()
            changes.type = .set("x")
            #expect(try await store.update(id: 987_654, userID: alice.id, changes: changes) == nil)
            #expect(try await store.delete(id: 987_654, userID: alice.id) == false)
            #expect(try await store.changeState(userID: alice.id) == s)
        }
    }

    @Test("with a retention of one second, a purged deletion makes the states before it expire; later ones still answer", arguments: TestBackend.all)
    func retention(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let items = try await store.insert([record("2026-01-01"), record("2026-01-02")], userID: alice.id)
            let before = try #require(try await store.changeState(userID: alice.id))
            #expect(try await store.delete(id: items[0].id, userID: alice.id))
            let after = try #require(try await store.changeState(userID: alice.id))
            #expect(try await store.purgeTombstones(olderThan: .seconds(60)) == 0)
            try await Task.sleep(for: .milliseconds(1_100))
            #expect(try await store.purgeTombstones(olderThan: .seconds(1)) == 1)
            #expect(try await store.changes(userID: alice.id, since: before, limit: 10) == .expired)
            let answer = try await page(store, alice.id, since: after)
            #expect(answer.destroyed.isEmpty)
        }
    }

    @Test("deleting the user leaves no feed rows; a restored user (copy) starts a new epoch", arguments: TestBackend.all)
    func userDeletionAndRestore(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let items = try await store.insert([record("2026-01-01"), record("2026-01-02")], userID: alice.id)
            #expect(try await store.delete(id: items[0].id, userID: alice.id))
            let state = try #require(try await store.changeState(userID: alice.id))
            let snapshot = try await store.snapshot(of: alice)
            #expect(try await store.deleteUser(id: alice.id))
            #expect(try await store.changeState(userID: alice.id) == nil)
            #expect(try await store.purgeTombstones(olderThan: .zero) == 0)  // the user's tombstone went with the user
            try await store.restore(snapshot)
            let restored = try #require(try await store.changeState(userID: alice.id))
            #expect(restored.epoch != state.epoch)
            #expect(try await store.changes(userID: alice.id, since: state, limit: 10) == .expired)
        }
    }
}

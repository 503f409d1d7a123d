import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Synchronization
import Testing

/// The changes feed under concurrent writers (issue 20): 8 writers make 2,000 mixed writes of one
/// user's items (on PostgreSQL through two stores, as two instances would) while a client polls
/// the feed and mirrors what it reads; at the end the mirror is exactly the user's items.
@Suite("Store conformance: changes feed under concurrent writers")
struct StoreChangesConcurrencyTests {
    /// The writers' shared state: the ids of the items that exist, and how many writers are done.
    private final class Shared: Sendable {
        let live = Mutex<[Int64]>([])
        let done = Atomic<Int>(0)
    }

    /// What the client keeps: the items by id, and the last state read.
    private struct Mirror {
        var items: [Int64: Orgasm] = [:]
        var state: ChangeState

        /// Reads the feed after `state` until it has nothing more, applying every answer.
        mutating func catchUp(_ store: any ChastityStore, userID: Int64) async throws {
            while true {
                guard case .page(let page) = try await store.changes(userID: userID, since: state, limit: 37) else {
                    Issue.record("the feed refused its own state \(state)")
                    return
                }
                for item in page.created + page.updated { items[item.id] = item }
                for id in page.destroyed { items[id] = nil }
                state = page.newState
                if !page.hasMoreChanges { return }
            }
        }
    }

    @Test("8 writers, 2,000 mixed writes, a client polling: its mirror equals the items, exactly", arguments: TestBackend.all)
    func mirrorEqualsTheItems(backend: TestBackend) async throws {
        try await backend.withDatabase { location in
            let first = try await backend.open(location)
            // PostgreSQL: a second store on the same database, as a second instance; SQLite has
            // one writer per database file, so its writers share one store.
            let second = backend.isPostgres ? try await backend.open(location) : first
            do {
                let alice = try await first.makeUser("alice")
                let stores = [first, second]
                let start = try #require(try await first.changeState(userID: alice.id))
                let shared = Shared()
                let writesPerWriter = 250
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<8 {
                        group.addTask {
                            let store = stores[writer % 2]
                            var generator = SystemRandomNumberGenerator()
                            for step in 0..<writesPerWriter {
                                let pick = shared.live.withLock { $0.isEmpty ? nil : $0.randomElement(using: &generator) }
                                switch (step % 4, pick) {
                                case (0, _), (_, nil):
                                    let count = Int.random(in: 1...3, using: &generator)
                                    let made = try await store.insert((0..<count).map { _ in record("2026-04-0\(1 + writer % 9)") }, userID: alice.id)
                                    shared.live.withLock { $0 += made.map(\.id) }
                                case (1, let id?), (3, let id?):
                                    var changes = OrgasmChanges()
                                    changes.type = .set("w\(writer)s\(step)")
                                    _ = try await store.update(id: id, userID: alice.id, changes: changes)
                                case (_, let id?):
                                    if try await store.delete(id: id, userID: alice.id) {
                                        shared.live.withLock { $0.removeAll { $0 == id } }
                                    }
                                }
                            }
                            shared.done.add(1, ordering: .relaxed)
                        }
                    }
                    group.addTask {
                        var mirror = Mirror(state: start)
                        while shared.done.load(ordering: .relaxed) < 8 {
                            try await mirror.catchUp(first, userID: alice.id)
                            try await Task.sleep(for: .milliseconds(5))
                        }
                    }
                    try await group.waitForAll()
                }
                // A client that polled throughout, then once more after the last write.
                var mirror = Mirror(state: start)
                try await mirror.catchUp(second, userID: alice.id)
                let items = try await first.orgasms(userID: alice.id, afterID: 0, limit: 100_000)
                #expect(items.count > 0)
                #expect(mirror.items == Dictionary(uniqueKeysWithValues: items.map { ($0.id, $0) }))
                #expect(mirror.state == (try await first.changeState(userID: alice.id)))
            } catch {
                if backend.isPostgres { try? await second.close() }
                try? await first.close()
                throw error
            }
            if backend.isPostgres { try await second.close() }
            try await first.close()
        }
    }
}

import ChastityTrackerDomain
import ChastityTrackerTestSupport
import PostgresNIO
import Synchronization
import Testing

@testable import ChastityTrackerPostgres

/// Group commit of record inserts on PostgreSQL (``InsertBatcher``): inserts that wait for a
/// statement share the next one, and each is answered as if it had run alone.
///
/// Each test makes the batch it needs: a transaction of the test's holds one user's totals row,
/// so an insert for that user (the only statement the store may run, with `insertStatements: 1`)
/// waits at the database; the inserts started then all wait in the batcher, and share the
/// statement that runs when the lock is let go. Rows written by one statement have one `xmin`.
@Suite("PostgreSQL insert batches")
struct PostgresInsertBatchTests {
    @Test(
        "Several users' waiting inserts share one statement, each answered with its own items and ids, with a quota and without",
        arguments: TestBackend.postgres)
    func waitingInsertsShareOneStatement(backend: TestBackend) async throws {
        try await withBlockedStore(backend) { store, blocker in
            for quota in [10, nil] as [Int?] {
                let users = try await makeUsers(store, count: 6, prefix: "quota\(quota ?? 0)-")
                let requests: [(userID: Int64, items: [NewOrgasm])] = users.enumerated().map { index, user in
                    (
                        user.id,
                        (0...index % 3).map { record("2025-0\(index + 1)-1\($0)", index.isMultiple(of: 2) ? .full : .ruined, type: "t\(index)") }
                    )
                }
                let outcomes = try await blocker.whileBlocked(store, waiting: requests.count) {
                    requests.map { request in Task { try await store.insert(request.items, userID: request.userID, quota: quota, completing: nil) } }
                }
                for (request, outcome) in zip(requests, outcomes) {
                    let created = try await outcome.value
                    #expect(created.map(\.date) == request.items.map(\.date))
                    #expect(created.map(\.mode) == request.items.map(\.mode))
                    #expect(created.map(\.type) == request.items.map(\.type))
                    #expect(created.map(\.id) == created.map(\.id).sorted())
                    for item in created { #expect(try await store.orgasm(id: item.id, userID: request.userID) == item) }
                    // The user's feed: their items are changes 1 to n, in the request's order.
                    #expect(try await createdStates(store, userID: request.userID) == Array(1...Int64(request.items.count)))
                }
                #expect(try await transactions(store, users: requests.map(\.userID)) == 1)
            }
        }
    }

    @Test("In a shared statement the record quota holds for each user on their own", arguments: TestBackend.postgres)
    func quotaHoldsPerUserInASharedStatement(backend: TestBackend) async throws {
        try await withBlockedStore(backend) { store, blocker in
            let users = try await makeUsers(store, count: 4)
            let (full, roomForOne, empty, newcomer) = (users[0].id, users[1].id, users[2].id, users[3].id)
            _ = try await store.insert([record("2025-01-01"), record("2025-01-02"), record("2025-01-03")], userID: full, quota: 3, completing: nil)
            _ = try await store.insert([record("2025-01-01"), record("2025-01-02")], userID: roomForOne, quota: 3, completing: nil)
            let requests: [(userID: Int64, items: [NewOrgasm])] = [
                (full, [record("2025-02-01")]),
                (roomForOne, [record("2025-02-01")]),
                (empty, [record("2025-02-01"), record("2025-02-02")]),
                (newcomer, (1...4).map { record("2025-02-0\($0)") }),
            ]
            let outcomes = try await blocker.whileBlocked(store, waiting: requests.count) {
                requests.map { request in Task { try await store.insert(request.items, userID: request.userID, quota: 3, completing: nil) } }
            }
            await #expect(throws: StoreError.quotaExceeded(quota: 3)) { try await outcomes[0].value }
            #expect(try await outcomes[1].value.count == 1)
            #expect(try await outcomes[2].value.count == 2)
            await #expect(throws: StoreError.quotaExceeded(quota: 3)) { try await outcomes[3].value }
            #expect(try await store.all(full).total == 3)
            #expect(try await store.all(roomForOne).total == 3)
            #expect(try await store.all(empty).total == 2)
            #expect(try await store.all(newcomer).total == 0)
            #expect(try await createdStates(store, userID: roomForOne) == [1, 2, 3])
            #expect(try await createdStates(store, userID: newcomer) == [])
            // The two that went in went in together.
            #expect(try await transactions(store, users: [roomForOne, empty], since: 2) == 1)
        }
    }

    @Test("A request that fails a shared statement fails alone; the others are inserted", arguments: TestBackend.postgres)
    func failingRequestFailsAlone(backend: TestBackend) async throws {
        try await withBlockedStore(backend) { store, blocker in
            let users = try await makeUsers(store, count: 3)
            let missing = users.map(\.id).max()! + 1000
            // What the insert for a user that does not exist fails with when it runs alone.
            let alone = await #expect(throws: StoreError.self) {
                try await store.insert([record("2025-01-01")], userID: missing, quota: 10, completing: nil)
            }
            let requests = [users[0].id, missing, users[1].id, users[2].id]
            let outcomes = try await blocker.whileBlocked(store, waiting: requests.count) {
                requests.map { userID in Task { try await store.insert([record("2025-02-01")], userID: userID, quota: 10, completing: nil) } }
            }
            let shared = await #expect(throws: StoreError.self) { try await outcomes[1].value }
            #expect(shared == alone)
            for index in [0, 2, 3] {
                let created = try #require(try await outcomes[index].value.first)
                #expect(try await store.orgasm(id: created.id, userID: requests[index]) == created)
            }
            // The shared statement failed whole; each of the others then ran alone.
            #expect(try await transactions(store, users: users.map(\.id)) == 3)
        }
    }

    @Test("One user's waiting inserts never share a statement, and the quota admits exactly its room", arguments: TestBackend.postgres)
    func oneUsersInsertsStayApart(backend: TestBackend) async throws {
        try await withBlockedStore(backend) { store, blocker in
            let user = try await store.makeUser("solo")
            let outcomes = try await blocker.whileBlocked(store, waiting: 12) {
                (1...12).map { day in Task { try await store.insert([record("2025-03-\(10 + day)")], userID: user.id, quota: 5, completing: nil) } }
            }
            var inserted = 0
            var refused = 0
            for outcome in outcomes {
                do {
                    inserted += try await outcome.value.count
                } catch StoreError.quotaExceeded(quota: 5) {
                    refused += 1
                }
            }
            #expect(inserted == 5)
            #expect(refused == 7)
            #expect(try await createdStates(store, userID: user.id) == [1, 2, 3, 4, 5])
            #expect(try await transactions(store, users: [user.id]) == 5)
        }
    }

    @Test(
        "A cancelled request that leads a shared statement fails no other, even when the statement falls back to each alone",
        arguments: TestBackend.postgres)
    func cancelledLeaderFailsNoOther(backend: TestBackend) async throws {
        try await withBlockedStore(backend) { store, blocker in
            let users = try await makeUsers(store, count: 3)
            let missing = users.map(\.id).max()! + 1000
            // The first waiting insert leads the next statement; its task is cancelled while it
            // waits. The missing user's insert makes the shared statement fail, so the requests
            // then run one by one, in the leader's batch.
            let requests = [users[0].id, missing, users[1].id, users[2].id]
            let outcomes = try await blocker.whileBlocked(store, waiting: requests.count) {
                let started = requests.map { userID in
                    Task { try await store.insert([record("2025-02-01")], userID: userID, quota: 10, completing: nil) }
                }
                started[0].cancel()
                return started
            }
            await #expect(throws: StoreError.self) { try await outcomes[1].value }
            for index in [0, 2, 3] {
                let created = try #require(try await outcomes[index].value.first)
                #expect(try await store.orgasm(id: created.id, userID: requests[index]) == created)
            }
        }
    }

    @Test(
        "While the running statement waits for one user's lock past the stall time, another user's insert starts a statement of its own",
        arguments: TestBackend.postgres)
    func stalledStatementHoldsUpNoOne(backend: TestBackend) async throws {
        try await withBlockedStore(backend, stallAfter: .milliseconds(300)) { store, blocker in
            let other = try await store.makeUser("other")
            try await blocker.holding(store) {
                // The store's only statement waits for the lock; let it pass the stall time.
                try await Task.sleep(for: .milliseconds(400))
                let answered = Mutex(false)
                let insert = Task {
                    defer { answered.withLock { $0 = true } }
                    return try await store.insert([record("2025-02-01")], userID: other.id, quota: 10, completing: nil)
                }
                // Bounded, so that the code before this fix (the insert waits for the lock to go,
                // which only goes after this) fails here instead of hanging.
                try await blocker.until("the other user's insert is answered while the lock is held") { answered.withLock { $0 } }
                let created = try await insert.value
                #expect(try await store.orgasm(id: created[0].id, userID: other.id) == created[0])
                // The blocked insert is still waiting: the lock is held until this returns.
                #expect(try await createdStates(store, userID: blocker.userID) == [1])
            }
            #expect(try await createdStates(store, userID: blocker.userID) == [1, 2])
        }
    }

    // MARK: Helpers

    /// A store that runs one insert statement at a time, and a user whose totals row
    /// ``Blocker`` can lock, for `body`.
    private func withBlockedStore(
        _ backend: TestBackend, stallAfter: Duration? = nil, _ body: (PostgresStore, Blocker) async throws -> Void
    ) async throws {
        try await backend.withDatabase { url in
            let store = try await PostgresStore.open(
                url: url, poolSize: 6, connectionWait: .seconds(20), insertStatements: 1, insertStallAfter: stallAfter, logger: TestBackend.logger)
            do {
                let blocked = try await store.makeUser("blocked")
                _ = try await store.insert([record("2025-01-01")], userID: blocked.id, quota: nil, completing: nil)
                try await body(store, Blocker(userID: blocked.id))
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
        }
    }

    private func makeUsers(_ store: PostgresStore, count: Int, prefix: String = "") async throws -> [User] {
        var users: [User] = []
        for index in 0..<count { users.append(try await store.makeUser("\(prefix)user\(index)")) }
        return users
    }

    /// The change states of a user's items, in id order.
    private func createdStates(_ store: PostgresStore, userID: Int64) async throws -> [Int64] {
        try await store.session { session in
            try await session.rows("SELECT created_state FROM orgasms WHERE user_id = \(userID) ORDER BY id").map { try $0.decode(Int64.self) }
        }
    }

    /// How many transactions wrote the items of `users` (those after each user's first `since`).
    private func transactions(_ store: PostgresStore, users: [Int64], since: Int64 = 0) async throws -> Int {
        try await store.session { session in
            let rows = try await session.rows(
                "SELECT count(DISTINCT xmin::text) FROM orgasms WHERE user_id = ANY(\(users)) AND created_state > \(since)")
            return try rows.first.map { Int(try $0.decode(Int64.self)) } ?? 0
        }
    }
}

/// Holds one user's totals row locked while inserts gather behind an insert of theirs.
private struct Blocker {
    let userID: Int64

    /// Locks the row; starts an insert for the user (it waits at the database, holding the
    /// store's only insert statement); starts `inserts` and waits until `waiting` of them wait in
    /// the batcher; then lets the lock go and returns the started inserts.
    func whileBlocked<T: Sendable>(
        _ store: PostgresStore, waiting: Int, _ inserts: () -> [Task<T, any Error>]
    ) async throws -> [Task<T, any Error>] {
        var started: [Task<T, any Error>] = []
        try await holding(store) {
            started = inserts()
            try await until("\(waiting) inserts wait in the batcher") { store.inserts.waiting == waiting }
        }
        return started
    }

    /// Locks the row; starts an insert for the user and waits until it waits for the lock; runs
    /// `body`; then lets the lock go and waits for that insert.
    func holding(_ store: PostgresStore, _ body: () async throws -> Void) async throws {
        let (locked, lockedContinuation) = AsyncStream<Void>.makeStream()
        let (release, releaseContinuation) = AsyncStream<Void>.makeStream()
        let holder = Task {
            // Ends the wait below if the lock was never taken (no connection): that error is
            // the test's, not a hang.
            defer { lockedContinuation.finish() }
            try await store.transaction { session in
                try await session.run("SELECT total FROM orgasm_totals WHERE user_id = \(userID) FOR UPDATE")
                lockedContinuation.yield()
                for await _ in release { break }
            }
        }
        do {
            var isLocked = false
            for await _ in locked {
                isLocked = true
                break
            }
            guard isLocked else {
                try await holder.value
                throw CancellationError()
            }
            let leader = Task { try await store.insert([record("2025-01-02")], userID: userID, quota: nil, completing: nil) }
            try await until("the leading insert waits for the lock") {
                try await store.session {
                    try await $0.rows("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").count
                } > 0
            }
            try await body()
            releaseContinuation.yield()
            try await holder.value
            _ = try await leader.value
        } catch {
            releaseContinuation.yield()
            _ = try? await holder.value
            throw error
        }
    }

    /// Waits until `condition` holds, checking every 10 ms for at most 30 s.
    func until(_ what: String, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<3000 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("gave up waiting: \(what)")
        throw CancellationError()
    }
}

import ChastityTrackerDomain
import NIOConcurrencyHelpers
import NIOPosix

/// Group commit for the single writer connection: writes that arrive while one commit is being
/// made are run together in the next transaction, each in its own savepoint, and all are
/// answered after that one commit (one fsync). A write that fails rolls back to its savepoint
/// alone; the others still commit. Every write is acknowledged only once it is durable.
///
/// At most `limit` writes wait; one more is refused at once with ``StoreError/overloaded``
/// rather than queued without bound (docs/CONTRACT.md section 2, `overloaded`).
final class SQLiteWriteQueue: Sendable {
    /// One queued write: `run` does its work on the connection, `finish` answers its caller.
    struct Job: Sendable {
        let run: @Sendable (SQLiteConnection) throws -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        var pending: [Job] = []
        var draining = false
    }

    /// The most writes committed together.
    static var maximumBatch: Int { 128 }

    private let connection: NIOLockedValueBox<SQLiteConnection>
    private let threadPool: NIOThreadPool
    private let state = NIOLockedValueBox(State())
    /// The most writes waiting for a transaction (the batch being committed not counted).
    let limit: Int

    init(connection: SQLiteConnection, threadPool: NIOThreadPool, limit: Int) {
        precondition(limit >= 1, "a write queue holds at least one write")
        self.connection = NIOLockedValueBox(connection)
        self.threadPool = threadPool
        self.limit = limit
    }

    /// The writes waiting for a transaction now.
    var waiting: Int { state.withLockedValue { $0.pending.count } }

    /// Runs `body` in the next group transaction and returns its result once committed. A
    /// `bounded` write finding `limit` writes waiting throws ``StoreError/overloaded`` without
    /// running; an unbounded one (cleaning up after a failed request, probing) always queues.
    func write<T: Sendable>(bounded: Bool = true, _ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        let result = NIOLockedValueBox<T?>(nil)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let job = Job(
                run: { connection in
                    let value = try body(connection)
                    result.withLockedValue { $0 = value }
                },
                finish: { error in
                    if let error { continuation.resume(throwing: error) } else { continuation.resume() }
                }
            )
            let startDrain = state.withLockedValue { state -> Bool? in
                if bounded, state.pending.count >= limit { return nil }
                state.pending.append(job)
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            guard let startDrain else {
                continuation.resume(throwing: StoreError.overloaded)
                return
            }
            if startDrain {
                threadPool.submit { [self] poolState in
                    guard case .active = poolState else {
                        self.failAll(SQLiteFailure(code: 21, message: "the store is closed"))
                        return
                    }
                    self.drain()
                }
            }
        }
        return result.withLockedValue { $0! }
    }

    /// Commits batches until no write is waiting.
    private func drain() {
        while true {
            let batch: [Job] = state.withLockedValue { state in
                let batch = Array(state.pending.prefix(Self.maximumBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            let outcomes = connection.withLockedValue { connection in Self.commit(batch, on: connection) }
            for (job, outcome) in zip(batch, outcomes) { job.finish(outcome) }
        }
    }

    /// One transaction for the batch: each job in a savepoint, then one COMMIT.
    private static func commit(_ batch: [Job], on connection: SQLiteConnection) -> [(any Error)?] {
        do {
            try connection.query("BEGIN IMMEDIATE")
        } catch {
            return batch.map { _ in error }
        }
        var outcomes: [(any Error)?] = []
        outcomes.reserveCapacity(batch.count)
        for job in batch {
            do {
                try connection.query("SAVEPOINT job")
                do {
                    try job.run(connection)
                    try connection.query("RELEASE job")
                    outcomes.append(nil)
                } catch {
                    try connection.query("ROLLBACK TO job")
                    try connection.query("RELEASE job")
                    outcomes.append(error)
                }
            } catch {
                // The savepoint machinery itself failed: nothing in this transaction can be trusted.
                try? connection.query("ROLLBACK")
                return batch.map { _ in error }
            }
        }
        do {
            try connection.query("COMMIT")
        } catch {
            try? connection.query("ROLLBACK")
            return batch.map { _ in error }
        }
        return outcomes
    }

    private func failAll(_ error: any Error) {
        let jobs = state.withLockedValue { state in
            defer {
                state.pending.removeAll()
                state.draining = false
            }
            return state.pending
        }
        for job in jobs { job.finish(error) }
    }
}

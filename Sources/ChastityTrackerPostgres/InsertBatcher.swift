import ChastityTrackerDomain
import NIOConcurrencyHelpers

/// Group commit for record inserts on PostgreSQL: inserts that arrive while `concurrency`
/// statements are already running wait, and the next statement takes all those waiting (of
/// different users, up to ``maximumItems`` items) at once: one round trip and one commit for
/// many requests instead of one each, which is most of what an insert costs PostgreSQL and the
/// server. An insert that finds a statement free runs at once, alone: no wait is ever added.
///
/// No thread of its own: the caller whose insert starts a statement runs it (the leader),
/// answers the others of its batch, and hands the next batch to the first insert still
/// waiting, which leads it in turn. Every insert is answered only after its statement
/// committed, and each with its own outcome (``PostgresStore`` runs the inserts of a batch
/// alone when the batch's statement fails, so one request's failure is never another's).
///
/// A statement can wait for a lock another transaction holds (a user's totals row); so that one
/// such user does not hold up everyone's inserts, an insert that arrives when every running
/// statement has run for `stallAfter` starts one more statement, with the inserts waiting.
final class InsertBatcher: Sendable {
    /// One request's insert: all its items or none.
    struct Request: Sendable {
        let userID: Int64
        let orgasms: [NewOrgasm]
        let quota: Int?
    }

    typealias Outcome = Result<[Orgasm], any Error>

    private enum Turn: Sendable {
        /// The insert's statement committed or failed; this is its outcome.
        case done(Outcome)
        /// Run this batch, whose first request is the receiver's own, as statement `slot`.
        case lead([Waiter], slot: Int)
    }

    private struct Waiter: Sendable {
        let request: Request
        let continuation: CheckedContinuation<Turn, Never>
    }

    private struct State {
        /// Inserts waiting for a statement, in arrival order. Not empty only while every
        /// statement is taken (or stalled).
        var pending: [Waiter] = []
        /// When each running statement started, by slot.
        var running: [Int: ContinuousClock.Instant] = [:]
        var nextSlot = 0

        /// Takes the next batch from `pending`: its first insert, then the later ones of other
        /// users with the same quota while the items fit in ``InsertBatcher/maximumItems``. The
        /// others keep their places.
        mutating func takeBatch() -> [Waiter] {
            let first = pending[0].request
            var batch = [pending[0]]
            var users: Set<Int64> = [first.userID]
            var items = first.orgasms.count
            var kept: [Waiter] = []
            for waiter in pending.dropFirst() {
                let request = waiter.request
                if request.quota == first.quota, !users.contains(request.userID), items + request.orgasms.count <= InsertBatcher.maximumItems {
                    batch.append(waiter)
                    users.insert(request.userID)
                    items += request.orgasms.count
                } else {
                    kept.append(waiter)
                }
            }
            pending = kept
            return batch
        }
    }

    /// The most items one statement inserts; a request with more is never batched.
    static let maximumItems = 256

    /// The most statements running at once, unless they stall; the rest of the inserts wait.
    let concurrency: Int
    /// How long a statement may run before it counts as stalled.
    let stallAfter: Duration
    private let state = NIOLockedValueBox(State())

    init(concurrency: Int, stallAfter: Duration) {
        precondition(concurrency >= 1, "inserts need at least one statement at a time")
        self.concurrency = concurrency
        self.stallAfter = stallAfter
    }

    /// Inserts waiting for a statement now.
    var waiting: Int { state.withLockedValue { $0.pending.count } }

    /// Inserts `request` in the next statement that can take it and returns its items, or
    /// throws its own error. `run` runs one batch (requests of different users with one quota)
    /// and returns each request's outcome, in order.
    func insert(_ request: Request, running run: @Sendable ([Request]) async -> [Outcome]) async throws -> [Orgasm] {
        let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
            let lead = state.withLockedValue { state -> (batch: [Waiter], slot: Int)? in
                state.pending.append(Waiter(request: request, continuation: continuation))
                let now = ContinuousClock.now
                guard state.running.count < concurrency || state.running.values.allSatisfy({ now - $0 >= stallAfter }) else {
                    return nil
                }
                let slot = state.nextSlot
                state.nextSlot += 1
                state.running[slot] = now
                return (state.takeBatch(), slot)
            }
            if let lead { lead.batch[0].continuation.resume(returning: .lead(lead.batch, slot: lead.slot)) }
        }
        switch turn {
        case .done(let outcome):
            return try outcome.get()
        case .lead(let batch, let slot):
            let outcomes = await run(batch.map(\.request))
            // The next batch starts before this one's requests are answered. (A statement started
            // beside stalled ones goes on while inserts wait, and ends when none does.)
            let next = state.withLockedValue { state -> [Waiter]? in
                guard !state.pending.isEmpty else {
                    state.running[slot] = nil
                    return nil
                }
                state.running[slot] = ContinuousClock.now
                return state.takeBatch()
            }
            if let next { next[0].continuation.resume(returning: .lead(next, slot: slot)) }
            for (waiter, outcome) in zip(batch.dropFirst(), outcomes.dropFirst()) {
                waiter.continuation.resume(returning: .done(outcome))
            }
            return try outcomes[0].get()
        }
    }
}

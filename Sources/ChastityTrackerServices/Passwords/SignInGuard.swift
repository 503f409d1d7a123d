public import ChastityTrackerDomain
import Synchronization

/// Decides, in memory and before any hashing, whether a password may be checked now, and counts
/// each check before it runs, so that parallel guesses cannot slip past the throttle between a
/// check and its count (docs/CONTRACT.md section 12, "Under attack").
///
/// Three things can refuse an attempt, each with the seconds to wait:
/// - its counter (the account name's, or for a browser with the account's device cookie, that
///   cookie's), through ``SignInThrottle``: the larger of the failures the store has persisted
///   (every instance's) and those this instance has seen, plus the checks of it running here now;
/// - for a browser without the account's device cookie, its address (``AddressThrottle``);
/// - for such a browser too, the instance's budget of failed checks per minute (attempts refused
///   because the checks were full count too): past it, strangers are refused cheaply, while
///   browsers that have signed in to the account still get their check.
///
/// An admitted attempt holds a ``Ticket`` until ``settle(_:_:at:)``. The failures seen here are
/// kept in memory as well as persisted by the caller, so a count read from the store just before
/// another check's failure was written still sees that failure.
public final class SignInGuard: Sendable {
    /// Who is trying: the counter's key, the client's address and whether it holds the
    /// account's device cookie.
    public struct Attempt: Sendable {
        /// The account name the attempt is for.
        public var account: String
        /// The key its failures are counted under: the account name, or a device cookie's key.
        public var counter: String
        /// The client's address, as throttles count it (``IPAddress/throttleKey``).
        public var address: String
        /// Whether the client holds the account's device cookie.
        public var trusted: Bool

        public init(account: String, counter: String, address: String, trusted: Bool) {
            self.account = account
            self.counter = counter
            self.address = address
            self.trusted = trusted
        }
    }

    /// An admitted attempt, to be settled once its check is done (or did not run).
    public struct Ticket: Sendable {
        let attempt: Attempt
        let budgetWindow: Int64
    }

    /// How an admitted attempt ended.
    enum Outcome {
        /// The password was wrong; the caller persists the failure.
        case failed
        /// The password was right.
        case succeeded
        /// No check ran: the hasher was full. For a browser without a device cookie this still
        /// spends the budget (a flood that keeps the checks full trips the budget at once, and is
        /// refused cheaply from then on); the address is forgiven.
        case busy
        /// No check ran (the store failed).
        case notChecked
    }

    /// One counter as this instance sees it.
    private struct Local {
        var running = 0
        /// Failures seen here within the quiet period.
        var failed = 0
        /// Of those, the ones not yet written to the store.
        var unwritten = 0
        /// Failures written to the store by this instance, ever (while the entry lives): what a
        /// store read missed is the difference to this count at the read.
        var written = 0
        var last = Timestamp(millisecondsSinceEpoch: 0)
    }

    private struct State {
        var counters: [String: Local] = [:]
        var budgetWindow: Int64 = 0
        var budgetUsed = 0
        /// Successful checks per account name in `budgetWindow`.
        var successes: [String: Int] = [:]
        var lastSweep: Int64 = .min
    }

    /// Successful checks per account and minute: a right password costs a full check too, so an
    /// account holder signing in in a loop cannot keep the hasher busy for everyone.
    static let successesPerMinute = 10

    public let throttle: SignInThrottle
    private let addresses: AddressThrottle
    private let failuresPerMinute: Int
    private let capacity: Int
    private let state = Mutex(State())

    /// `throttle` for every counter, `addressThrottle` per address, and at most
    /// `failuresPerMinute` failed checks a minute for browsers without a device cookie (0: no
    /// budget). At most `capacity` counters are kept in memory (the store keeps them all).
    public init(throttle: SignInThrottle, addressThrottle: SignInThrottle, failuresPerMinute: Int, capacity: Int = 10_000) {
        self.throttle = throttle
        self.addresses = AddressThrottle(throttle: addressThrottle, capacity: capacity)
        self.failuresPerMinute = failuresPerMinute
        self.capacity = capacity
    }

    /// The seconds `attempt` must wait for what is known without the store (the budget and the
    /// address, for a browser without a device cookie), or `nil`: a flood refused here costs no
    /// database read. ``admit(_:persisted:at:)`` checks these again.
    func quickRefusal(_ attempt: Attempt, at now: Timestamp) -> Refusal? {
        guard !attempt.trusted else { return nil }
        let second = now.millisecondsSinceEpoch / 1000
        let window = second - second % 60
        let budgetWait = state.withLock { state -> Int64 in
            guard failuresPerMinute > 0, state.budgetWindow == window, state.budgetUsed >= failuresPerMinute else { return 0 }
            return window + 60 - second
        }
        let wait = max(budgetWait, addresses.wait(for: attempt.address, at: now) ?? 0)
        return wait > 0 ? Refusal(wait: wait) : nil
    }

    /// Admits `attempt` at `now`, counting it at once, or answers the seconds it must wait.
    /// `persisted` is what the store holds for its counter.
    func admit(_ attempt: Attempt, persisted: SignInFailures?, writtenAtRead: Int, at now: Timestamp) -> Result<Ticket, Refusal> {
        let second = now.millisecondsSinceEpoch / 1000
        let window = second - second % 60
        let resetBefore = throttle.resetBefore(now)
        return state.withLock { state in
            if state.budgetWindow != window {
                state.budgetWindow = window
                state.budgetUsed = 0
                state.successes = [:]
            }
            var wait: Int64 = 0
            if state.successes[attempt.account, default: 0] >= Self.successesPerMinute { wait = window + 60 - second }
            if !attempt.trusted {
                if failuresPerMinute > 0, state.budgetUsed >= failuresPerMinute { wait = window + 60 - second }
                wait = max(wait, addresses.wait(for: attempt.address, at: now) ?? 0)
            }
            var local = state.counters[attempt.counter] ?? Local()
            if local.last < resetBefore {
                local.failed = 0
                local.unwritten = 0
            }
            // The store's count, plus what this instance wrote after the read and has not written yet.
            let live = persisted.flatMap { $0.last >= resetBefore ? $0 : nil }
            let missed = max(0, local.written - writtenAtRead) + local.unwritten
            var counted = live.map { SignInFailures(count: $0.count + missed, last: max($0.last, local.last)) }
            if missed > 0, counted == nil { counted = SignInFailures(count: missed, last: local.last) }
            if local.failed > (counted?.count ?? 0) { counted = SignInFailures(count: local.failed, last: local.last) }
            if local.running > 0 { counted = SignInFailures(count: (counted?.count ?? 0) + local.running, last: now) }
            wait = max(wait, throttle.wait(after: counted, at: now) ?? 0)
            guard wait == 0 else { return .failure(Refusal(wait: wait)) }
            if state.counters[attempt.counter] == nil, state.counters.count >= capacity {
                evict(from: &state, before: resetBefore, at: second)
            }
            local.running += 1
            state.counters[attempt.counter] = local
            if !attempt.trusted {
                state.budgetUsed += 1
                addresses.recordFailure(of: attempt.address, at: now)
            }
            return .success(Ticket(attempt: attempt, budgetWindow: window))
        }
    }

    /// Counts a refusal that needed no check (a name no account can have) against the address.
    public func countCheap(address: String, at now: Timestamp) {
        addresses.recordFailure(of: address, at: now)
    }

    /// What ``admit(_:persisted:writtenAtRead:at:)`` needs to know of a store read of `counter`:
    /// call it just before the read.
    func writtenCount(of counter: String) -> Int {
        state.withLock { $0.counters[counter]?.written ?? 0 }
    }

    /// Ends an admitted attempt at `now`: its check stops counting as running, a failure stays
    /// counted (as not yet written, until ``failureWritten(_:)``), and a success, or a check that
    /// never ran, gives back what the attempt took from the address and the budget.
    func settle(_ ticket: Ticket, _ outcome: Outcome, at now: Timestamp) {
        let attempt = ticket.attempt
        state.withLock { state in
            var local = state.counters[attempt.counter] ?? Local()
            local.running = max(0, local.running - 1)
            switch outcome {
            case .failed:
                local.failed += 1
                local.unwritten += 1
                local.last = now
            case .succeeded:
                local.failed = 0
                local.unwritten = 0
                if state.budgetWindow == ticket.budgetWindow { state.successes[attempt.account, default: 0] += 1 }
            case .notChecked, .busy:
                break
            }
            state.counters[attempt.counter] = local.running == 0 && local.failed == 0 ? nil : local
            guard outcome != .failed, !attempt.trusted else { return }
            if outcome != .busy, state.budgetWindow == ticket.budgetWindow { state.budgetUsed = max(0, state.budgetUsed - 1) }
            addresses.forgive(attempt.address)
        }
    }

    /// A failure of `ticket`'s counter settled earlier is now in the store.
    func failureWritten(_ ticket: Ticket) {
        state.withLock { state in
            guard var local = state.counters[ticket.attempt.counter] else { return }
            local.unwritten = max(0, local.unwritten - 1)
            local.written += 1
            state.counters[ticket.attempt.counter] = local
        }
    }

    /// Makes room, cheaply under a flood of new keys: at most once a second the counters with no
    /// check running whose failures are forgotten go; otherwise an idle one, whichever comes first.
    private func evict(from state: inout State, before resetBefore: Timestamp, at second: Int64) {
        if second != state.lastSweep {
            state.lastSweep = second
            state.counters = state.counters.filter { $0.value.running > 0 || $0.value.last >= resetBefore }
        }
        if state.counters.count >= capacity, let idle = state.counters.first(where: { $0.value.running == 0 }) {
            state.counters[idle.key] = nil
        }
    }

    /// The seconds an attempt must wait before it may be made.
    struct Refusal: Error {
        var wait: Int64
    }
}

import NIOConcurrencyHelpers

/// Gives up the leases that waited too long for a pooled connection.
///
/// PostgresNIO's pool has no wait limit of its own: a lease waits until a connection is free or,
/// when PostgreSQL is down, until its circuit breaker opens (15 to 60 s). Each lease used to race
/// a sleeping task in a task group of its own; this one watchdog, which looks every `resolution`,
/// costs a lease two short locked updates instead of two tasks and a timer (docs/BENCHMARKS.md,
/// issue 12). A lease gives up between `wait` and `wait + resolution` after it started.
final class LeaseWatchdog: Sendable {
    /// One lease's wait, from its start until it holds a connection or gives up.
    final class Lease: Sendable {
        fileprivate enum State {
            case waiting(cancel: (@Sendable () -> Void)?)
            case leased
            case expired
        }

        fileprivate let id: Int
        fileprivate let deadline: ContinuousClock.Instant
        fileprivate let state = NIOLockedValueBox(State.waiting(cancel: nil))

        fileprivate init(id: Int, deadline: ContinuousClock.Instant) {
            self.id = id
            self.deadline = deadline
        }

        /// Called with the connection: true when the lease may use it, false when it has given up.
        func grant() -> Bool {
            state.withLockedValue { state in
                guard case .waiting = state else { return false }
                state = .leased
                return true
            }
        }

        /// Whether the lease gave up waiting.
        var expired: Bool { state.withLockedValue { $0.isExpired } }

        /// Sets what gives the wait up; runs it at once when the lease already expired.
        func onExpiry(_ cancel: @escaping @Sendable () -> Void) {
            let expiredAlready = state.withLockedValue { state in
                guard case .waiting = state else { return state.isExpired }
                state = .waiting(cancel: cancel)
                return false
            }
            if expiredAlready { cancel() }
        }

        /// Marks a waiting lease expired and returns what gives its wait up.
        fileprivate func expire() -> (@Sendable () -> Void)? {
            state.withLockedValue { state in
                guard case .waiting(let cancel) = state else { return nil }
                state = .expired
                return cancel ?? {}
            }
        }
    }

    private struct Waiting {
        var leases: [Int: Lease] = [:]
        var nextID = 0
    }

    private let wait: Duration
    private let resolution: Duration
    private let waiting = NIOLockedValueBox(Waiting())

    init(wait: Duration, resolution: Duration = .milliseconds(100)) {
        self.wait = wait
        self.resolution = resolution
    }

    /// A lease starting now.
    func start() -> Lease {
        waiting.withLockedValue { waiting in
            waiting.nextID &+= 1
            let lease = Lease(id: waiting.nextID, deadline: .now + wait)
            waiting.leases[lease.id] = lease
            return lease
        }
    }

    /// Forgets `lease`, which holds its connection or has failed.
    func finish(_ lease: Lease) {
        _ = waiting.withLockedValue { $0.leases.removeValue(forKey: lease.id) }
    }

    /// Gives up the leases past their deadline, every `resolution`, until cancelled.
    func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: resolution)
            let now = ContinuousClock.now
            let expired = waiting.withLockedValue { waiting in
                let due = waiting.leases.values.filter { $0.deadline <= now }
                for lease in due { waiting.leases[lease.id] = nil }
                return due
            }
            for lease in expired { lease.expire()?() }
        }
    }
}

extension LeaseWatchdog.Lease.State {
    fileprivate var isExpired: Bool {
        if case .expired = self { return true }
        return false
    }
}

import ChastityTrackerDomain
import Synchronization

/// Failed sign-ins per client address (``IPAddress/throttleKey``: IPv4 per address, IPv6 per
/// /64), in this instance's memory (an address is not an account:
/// losing the counts on a restart only forgives a little). Bounded: past `capacity` addresses, the
/// ones whose counts are already forgotten by the throttle's quiet period are dropped (at most
/// once a second), else any one.
final class AddressThrottle: Sendable {
    private let throttle: SignInThrottle
    private let capacity: Int
    private let failures = Mutex<(table: [String: SignInFailures], lastSweep: Int64)>(([:], .min))

    init(throttle: SignInThrottle, capacity: Int = 10_000) {
        self.throttle = throttle
        self.capacity = capacity
    }

    /// Seconds `address` must still wait at `now`, or `nil`.
    func wait(for address: String, at now: Timestamp) -> Int64? {
        throttle.wait(after: failures.withLock { $0.table[address] }, at: now)
    }

    /// Counts a failure of `address` at `now`.
    func recordFailure(of address: String, at now: Timestamp) {
        let resetBefore = throttle.resetBefore(now)
        failures.withLock { failures in
            if let previous = failures.table[address], previous.last >= resetBefore {
                failures.table[address] = SignInFailures(count: previous.count + 1, last: now)
            } else {
                if failures.table.count >= capacity { Self.evict(from: &failures, before: resetBefore, at: now.millisecondsSinceEpoch / 1000) }
                failures.table[address] = SignInFailures(count: 1, last: now)
            }
        }
    }

    /// Takes back one failure of `address` counted ahead of a check that then succeeded or never
    /// ran.
    func forgive(_ address: String) {
        failures.withLock { failures in
            guard let previous = failures.table[address] else { return }
            failures.table[address] = previous.count > 1 ? SignInFailures(count: previous.count - 1, last: previous.last) : nil
        }
    }

    /// Makes room, cheaply under a flood of new addresses: the forgotten counts go at most once a
    /// second; otherwise any one entry goes (the table is full of fresh addresses then, and any
    /// one of them is as good as another).
    private static func evict(
        from failures: inout (table: [String: SignInFailures], lastSweep: Int64), before resetBefore: Timestamp, at second: Int64
    ) {
        if second != failures.lastSweep {
            failures.lastSweep = second
            failures.table = failures.table.filter { $0.value.last >= resetBefore }
            return
        }
        if let any = failures.table.keys.first { failures.table[any] = nil }
    }
}

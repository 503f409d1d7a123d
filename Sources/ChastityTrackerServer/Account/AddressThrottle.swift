import ChastityTrackerDomain
import Synchronization

/// Failed sign-ins per client address (``IPAddress/throttleKey``: IPv4 per address, IPv6 per
/// /64), in this instance's memory (an address is not an account:
/// losing the counts on a restart only forgives a little). Bounded: past `capacity` addresses, the
/// ones whose counts are already forgotten by the throttle's quiet period are dropped, then the
/// oldest.
final class AddressThrottle: Sendable {
    private let throttle: SignInThrottle
    private let capacity: Int
    private let failures = Mutex<[String: SignInFailures]>([:])

    init(throttle: SignInThrottle, capacity: Int = 10_000) {
        self.throttle = throttle
        self.capacity = capacity
    }

    /// Seconds `address` must still wait at `now`, or `nil`.
    func wait(for address: String, at now: Timestamp) -> Int64? {
        throttle.wait(after: failures.withLock { $0[address] }, at: now)
    }

    /// Counts a failure of `address` at `now`.
    func recordFailure(of address: String, at now: Timestamp) {
        let resetBefore = throttle.resetBefore(now)
        failures.withLock { table in
            if let previous = table[address], previous.last >= resetBefore {
                table[address] = SignInFailures(count: previous.count + 1, last: now)
            } else {
                if table.count >= capacity { Self.evict(from: &table, before: resetBefore) }
                table[address] = SignInFailures(count: 1, last: now)
            }
        }
    }

    /// Takes back one failure of `address` counted ahead of a check that then succeeded or never
    /// ran.
    func forgive(_ address: String) {
        failures.withLock { table in
            guard let previous = table[address] else { return }
            table[address] = previous.count > 1 ? SignInFailures(count: previous.count - 1, last: previous.last) : nil
        }
    }

    private static func evict(from table: inout [String: SignInFailures], before resetBefore: Timestamp) {
        table = table.filter { $0.value.last >= resetBefore }
        if let oldest = table.min(by: { $0.value.last < $1.value.last }) { table[oldest.key] = nil }
    }
}

import NIOConcurrencyHelpers
import Testing

@testable import ChastityTrackerPostgres

/// The one watchdog that gives up the PostgreSQL store's connection waits (issue 12); the
/// store's own behaviour under an exhausted pool is in PostgresStoreTests.
@Suite("Lease watchdog")
struct LeaseWatchdogTests {
    @Test("A lease still waiting after the wait is given up: its wait is cancelled and it may no longer take a connection")
    func waitingLeaseExpires() async throws {
        let watchdog = LeaseWatchdog(wait: .milliseconds(100), resolution: .milliseconds(20))
        let watching = Task { await watchdog.run() }
        defer { watching.cancel() }
        let cancelled = NIOLockedValueBox(false)
        let lease = watchdog.start()
        lease.onExpiry { cancelled.withLockedValue { $0 = true } }
        let started = ContinuousClock.now
        // Generous: once, in the full suite on a loaded machine, the watchdog's task did not run
        // for 10 s (its event loop busy with other tests' work).
        while !cancelled.withLockedValue({ $0 }) && ContinuousClock.now - started < .seconds(30) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(cancelled.withLockedValue { $0 })
        #expect(ContinuousClock.now - started >= .milliseconds(100))
        #expect(lease.expired)
        #expect(!lease.grant())
    }

    @Test("A lease granted in time is never cancelled, however long it then holds its connection")
    func grantedLeaseIsLeftAlone() async throws {
        let watchdog = LeaseWatchdog(wait: .milliseconds(50), resolution: .milliseconds(10))
        let watching = Task { await watchdog.run() }
        defer { watching.cancel() }
        let cancelled = NIOLockedValueBox(false)
        let lease = watchdog.start()
        lease.onExpiry { cancelled.withLockedValue { $0 = true } }
        #expect(lease.grant())
        // Still in the watchdog's list (as between a grant and its finish): past its deadline,
        // the watchdog sees a granted lease and leaves it alone.
        try await Task.sleep(for: .milliseconds(200))
        #expect(!cancelled.withLockedValue { $0 })
        #expect(!lease.expired)
    }

    @Test("A lease that expired before its wait was attached cancels that wait at once")
    func expiryBeforeAttachingCancelsAtOnce() async throws {
        let watchdog = LeaseWatchdog(wait: .zero, resolution: .milliseconds(10))
        let lease = watchdog.start()
        let watching = Task { await watchdog.run() }
        defer { watching.cancel() }
        let started = ContinuousClock.now
        while !lease.expired && ContinuousClock.now - started < .seconds(30) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(lease.expired)
        let cancelled = NIOLockedValueBox(false)
        lease.onExpiry { cancelled.withLockedValue { $0 = true } }
        #expect(cancelled.withLockedValue { $0 })
    }
}

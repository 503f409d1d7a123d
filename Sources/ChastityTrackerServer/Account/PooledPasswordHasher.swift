public import ChastityTrackerDomain
import CoreMetrics
import Foundation
import NIOPosix
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Hashes and checks passwords on threads of its own (an `NIOThreadPool` of `threads`), never on
/// Swift's cooperative threads or NIO's event loops, which serve the API: a flood of sign-ins
/// occupies these threads and no others. At most `threads` checks run and `queue` more wait; one
/// more is refused at once with ``PasswordHasherBusy`` (`NIOThreadPool`'s own queue has no bound,
/// so the bound is this counter).
///
/// Every check or hash that runs counts in `chastity_tracker_password_checks_total`, every one
/// refused in `chastity_tracker_password_checks_refused_total` (swift-metrics; `/metrics` with
/// `--metrics`).
public final class PooledPasswordHasher: PasswordHasher {
    private let pool: NIOThreadPool
    private let limit: Int
    private let admitted = Atomic<Int>(0)
    private let checks = Counter(label: "chastity_tracker_password_checks_total")
    private let refusals = Counter(label: "chastity_tracker_password_checks_refused_total")

    /// A hasher with `threads` threads (at least one) and room for `queue` more checks waiting
    /// (by default two per thread: each waits at most about 200 ms).
    public init(threads: Int, queue: Int? = nil) {
        let threads = max(1, threads)
        self.pool = NIOThreadPool(numberOfThreads: threads)
        self.limit = threads + max(0, queue ?? 2 * threads)
        pool.start()
        Self.lowerPriority(of: pool, threads: threads)
    }

    /// The niceness of the pool's threads: below the threads that serve requests, so that when
    /// both want a core, the API wins (weight 110 against 1,024: a check still gets about a tenth
    /// of a contended core, so sign-ins slow down under load rather than stop).
    static let niceness: Int32 = 10

    /// Has each of the pool's threads lower its own priority: one task per thread, each holding
    /// its thread until all have started, so that no thread runs two of them. Checks submitted
    /// meanwhile queue behind them.
    private static func lowerPriority(of pool: NIOThreadPool, threads: Int) {
        let started = NSCondition()
        let count = Mutex(0)
        for _ in 0..<threads {
            pool.submit { state in
                guard case .active = state else { return }
                #if canImport(Glibc)
                    // Linux keeps the nice value per thread: `who` 0 is the calling thread.
                    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
                #endif
                started.lock()
                count.withLock { $0 += 1 }
                started.broadcast()
                while count.withLock({ $0 }) < threads { started.wait() }
                started.unlock()
            }
        }
    }

    deinit {
        // The threads end once the pool is told to; nothing can be waiting here (each call holds the hasher).
        pool.shutdownGracefully { _ in }
    }

    public func verify(_ password: String, against stored: String) async throws -> Bool {
        try await run { Password.verify(password, against: stored) }
    }

    public func hash(_ password: String, parameters: Password.Parameters) async throws -> String {
        try await run { try Password.hash(password, parameters: parameters) }
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        var current = admitted.load(ordering: .relaxed)
        while true {
            guard current < limit else {
                refusals.increment()
                throw PasswordHasherBusy(retryAfter: 1)
            }
            let (exchanged, original) = admitted.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged { break }
            current = original
        }
        defer { admitted.subtract(1, ordering: .acquiringAndReleasing) }
        checks.increment()
        return try await pool.runIfActive(work)
    }
}

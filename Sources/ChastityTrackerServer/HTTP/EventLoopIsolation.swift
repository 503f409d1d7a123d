import NIOCore
import NIOPosix

/// An actor whose executor is one of NIO's singleton event loops: a request's API work runs
/// isolated to the loop it already runs on (issue 24, docs/BENCHMARKS.md).
///
/// Under NIO's executor takeover (`chastity-tracker serve`), Swift Concurrency's jobs run on the
/// event loops as if isolated to them, so the task's current executor is its loop, never the
/// generic one. Code that is `nonisolated` then pays for it: every hop to the generic executor (the
/// entry into a concurrent function, the return to one, a `nonisolated(nonsending)` function's
/// return to its caller's isolation when that caller is concurrent) finds a different executor and
/// goes round the loop's queue. Isolated to this actor, `nonisolated(nonsending)` code inherits
/// the loop as its isolation, and those hops find the executor they are already on: no switch.
///
/// The actor holds no state, so its isolation orders nothing; it only names the executor. Where no
/// singleton loop runs the caller (tests, which run on Swift's own pool), ``current`` is `nil` and
/// callers run without it.
actor EventLoopIsolation {
    private let loop: any EventLoop
    nonisolated let unownedExecutor: UnownedSerialExecutor

    /// The loop's own executor: the one the takeover runs its jobs on (`EventLoop.executor` may
    /// be a wrapper with an identity of its own, which would never compare equal to it).
    private init?(loop: any EventLoop) {
        guard let executor = loop as? any SerialExecutor else { return nil }
        self.loop = loop
        self.unownedExecutor = executor.asUnownedSerialExecutor()
    }

    /// One per loop of NIO's singleton group, made once.
    private static let all: [(loop: ObjectIdentifier, isolation: EventLoopIsolation)] = MultiThreadedEventLoopGroup.singleton
        .makeIterator().compactMap { loop in EventLoopIsolation(loop: loop).map { (ObjectIdentifier(loop), $0) } }

    /// The isolation of the singleton loop running the calling thread, else `nil`.
    static var current: EventLoopIsolation? {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop else { return nil }
        let id = ObjectIdentifier(loop)
        for entry in all where entry.loop == id { return entry.isolation }
        return nil
    }
}

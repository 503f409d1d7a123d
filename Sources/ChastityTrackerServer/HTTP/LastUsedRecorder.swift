public import ChastityTrackerDomain
public import Logging
import NIOConcurrencyHelpers
public import ServiceLifecycle

/// Records when tokens were last used, off the request's path: authentication only notes the
/// token and the time in memory, and this service writes the notes to the store soon after, so a
/// database that cannot be written (a full disk, a read-only file system, a held writer lock)
/// never fails a read. Recording is best-effort: a failed write is logged at warning level and
/// tried again with the next use, at most once per `retryDelay`. Whatever is noted when a
/// graceful shutdown begins is written before the service stops.
public final class LastUsedRecorder: Service, Sendable {
    /// The most tokens noted and not yet written; uses of further tokens are dropped until a
    /// write succeeds, so a database that stays unwritable cannot grow memory without bound.
    public static let capacity = 10_000

    let store: any TokenStore
    let logger: Logger
    let retryDelay: Duration
    private let pending = NIOLockedValueBox<[Int64: Timestamp]>([:])
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    public init(store: any TokenStore, logger: Logger, retryDelay: Duration = .seconds(5)) {
        self.store = store
        self.logger = logger
        self.retryDelay = retryDelay
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.wakeups = wakeups
        self.wake = wake
    }

    /// Notes that token `tokenID` was used at `instant`; returns at once.
    public func record(tokenID: Int64, at instant: Timestamp) {
        let noted = pending.withLockedValue { pending in
            if let earlier = pending[tokenID] {
                if earlier.millisecondsSinceEpoch < instant.millisecondsSinceEpoch { pending[tokenID] = instant }
                return true
            }
            guard pending.count < Self.capacity else { return false }
            pending[tokenID] = instant
            return true
        }
        if noted { wake.yield() }
    }

    /// Writes the notes as they come until a graceful shutdown, then writes what is left.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            for await _ in self.wakeups {
                if await !self.flush() {
                    // Give a failing database a rest instead of a write per request.
                    try? await Task.sleep(for: self.retryDelay)
                }
            }
        }
        await flush()
    }

    /// Writes every note now; returns whether all were written. Notes that could not be written
    /// are kept for the next attempt (a newer use of the same token wins).
    @discardableResult
    public func flush() async -> Bool {
        let notes = pending.withLockedValue { pending in
            defer { pending.removeAll() }
            return pending
        }
        var failed: [Int64: Timestamp] = [:]
        var lastError: (any Error)?
        for (tokenID, instant) in notes {
            do {
                try await store.touchToken(id: tokenID, at: instant)
            } catch {
                failed[tokenID] = instant
                lastError = error
            }
        }
        guard let lastError else { return true }
        pending.withLockedValue { pending in
            for (tokenID, instant) in failed where pending[tokenID] == nil && pending.count < Self.capacity {
                pending[tokenID] = instant
            }
        }
        logger.warning(
            "could not record when tokens were last used; will retry",
            metadata: ["tokens": .stringConvertible(failed.count), "error": .string("\(lastError)")]
        )
        return false
    }
}

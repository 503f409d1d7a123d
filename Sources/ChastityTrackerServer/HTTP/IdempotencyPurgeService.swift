public import ChastityTrackerDomain
public import Logging
public import ServiceLifecycle

/// Forgets idempotency keys older than their 24 h retention, once at start and then hourly, so
/// the table stays small without an operator's help. Stops on graceful shutdown.
public struct IdempotencyPurgeService: Service {
    let store: any IdempotencyKeyStore
    let clock: any WallClock
    let logger: Logger
    let interval: Duration

    public init(store: any IdempotencyKeyStore, clock: any WallClock, logger: Logger, interval: Duration = .seconds(3600)) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        await repeatUntilShutdown(every: interval) { await purgeOnce() }
    }

    /// Deletes the expired keys now.
    public func purgeOnce() async {
        let cutoff = Timestamp(millisecondsSinceEpoch: Timestamp(clock.now()).millisecondsSinceEpoch - IdempotencyPolicy.retentionMilliseconds)
        do {
            let count = try await store.purgeIdempotencyKeys(createdBefore: cutoff)
            if count > 0 { logger.info("purged expired idempotency keys", metadata: ["count": .stringConvertible(count)]) }
        } catch {
            logger.warning("could not purge expired idempotency keys", metadata: ["error": .string("\(error)")])
        }
    }
}

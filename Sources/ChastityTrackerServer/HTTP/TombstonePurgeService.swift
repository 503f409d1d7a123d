public import ChastityTrackerDomain
public import Logging
public import ServiceLifecycle

/// Forgets the changes feed's deletions older than the retention (`--changes-retention`), once at
/// start and then hourly, by the database's clock; a state older than a forgotten deletion then
/// answers 410 `state_expired` (docs/CONTRACT.md section 13). Stops on graceful shutdown.
public struct TombstonePurgeService: Service {
    let store: any ChangeStore
    let retention: Duration
    let logger: Logger
    let interval: Duration

    public init(store: any ChangeStore, retention: Duration, logger: Logger, interval: Duration = .seconds(3600)) {
        self.store = store
        self.retention = retention
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        await repeatUntilShutdown(every: interval) { await purgeOnce() }
    }

    /// Forgets the deletions older than the retention now.
    public func purgeOnce() async {
        do {
            let count = try await store.purgeTombstones(olderThan: retention)
            if count > 0 { logger.info("forgot deletions past the changes feed's retention", metadata: ["count": .stringConvertible(count)]) }
        } catch {
            logger.warning("could not forget old deletions of the changes feed", metadata: ["error": .string("\(error)")])
        }
    }
}

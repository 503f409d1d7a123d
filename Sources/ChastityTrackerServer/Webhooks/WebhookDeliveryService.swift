public import ChastityTrackerDomain
public import Logging
import Metrics
import NIOConcurrencyHelpers
public import ServiceLifecycle

/// Delivers webhook messages from the store's outbox (docs/CONTRACT.md section 14), beside the
/// server and never on a request's path.
///
/// Every `interval` it turns each webhook whose user's state moved on into a message
/// (``WebhookStore/webhooksBehind()``, ``WebhookStore/enqueueChange(webhookID:from:to:message:)``),
/// claims the due messages with a lease, and sends each on a task of its own, at most
/// `concurrency` at once, so one receiver that stalls holds one slot, not the others. An attempt's
/// outcome (``WebhookPolicy/outcome(attempt:status:error:retryAfter:now:jitter:)``) is recorded
/// under the claim's lease. A message whose instance stops or dies mid-attempt stays claimed until
/// its lease ends, then any instance sends it again: at least once, with the same `webhook-id`.
public struct WebhookDeliveryService: Service {
    /// The delivery settings.
    public struct Settings: Sendable {
        /// Plain `http` and private, loopback and link-local addresses allowed (development and tests).
        public var allowPrivate: Bool
        /// How often the outbox is looked at: the most a write waits before its message is made.
        public var interval: Duration = .seconds(1)
        /// How long a claim is held: longer than an attempt can take (5 s to resolve, 15 s to send).
        public var lease: Duration = .seconds(30)
        /// The most attempts in flight at once.
        public var concurrency: Int = 8
        /// How long finished messages are kept (each webhook keeps its latest, for a redelivery).
        public var retention: Duration = .seconds(30 * 86_400)

        public init(allowPrivate: Bool) {
            self.allowPrivate = allowPrivate
        }
    }

    let store: any WebhookStore
    let clock: any WallClock
    let settings: Settings
    let logger: Logger
    let sender: WebhookSender
    private let inFlight = NIOLockedValueBox(0)
    private let depth = Gauge(label: "chastity_webhook_outbox_depth")

    public init(store: any WebhookStore, clock: any WallClock = SystemWallClock(), settings: Settings, logger: Logger) {
        self.store = store
        self.clock = clock
        self.settings = settings
        self.logger = logger
        self.sender = WebhookSender(allowPrivate: settings.allowPrivate)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                var lastPurge = ContinuousClock.now - .seconds(3_600)
                while !Task.isCancelled {
                    await enqueueChanges()
                    for message in await claim() {
                        inFlight.withLockedValue { $0 += 1 }
                        group.addTask {
                            await deliver(message)
                            inFlight.withLockedValue { $0 -= 1 }
                        }
                    }
                    if ContinuousClock.now - lastPurge >= .seconds(3_600) {
                        lastPurge = .now
                        await purge()
                    }
                    try? await Task.sleep(for: settings.interval)
                }
            }
        }
    }

    /// Makes a message for every webhook whose user's state moved on.
    func enqueueChanges() async {
        do {
            for behind in try await store.webhooksBehind() {
                let message = WebhookPolicy.changed(state: behind.current, at: Timestamp(clock.now()))
                _ = try await store.enqueueChange(webhookID: behind.webhookID, from: behind.notified, to: behind.current, message: message)
            }
            depth.record(try await store.webhookOutboxDepth())
        } catch {
            logger.warning("could not queue webhook messages", metadata: ["error": "\(error)"])
        }
    }

    /// Claims as many due messages as there are free slots.
    private func claim() async -> [WebhookMessage] {
        let free = settings.concurrency - inFlight.withLockedValue { $0 }
        guard free > 0 else { return [] }
        do {
            return try await store.claimWebhookMessages(now: Timestamp(clock.now()), lease: settings.lease, limit: free)
        } catch {
            logger.warning("could not claim webhook messages", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// Sends one attempt of `message` and records its outcome.
    func deliver(_ message: WebhookMessage) async {
        let result = await sender.send(message, at: Timestamp(clock.now()))
        let outcome = WebhookPolicy.outcome(
            attempt: message.attempts + 1, status: result.status, error: result.error, retryAfter: result.retryAfter, now: Timestamp(clock.now()),
            jitter: Double.random(in: 0...1))
        let name: String
        switch outcome {
        case .delivered: name = "delivered"
        case .retry: name = "failed"
        case .disable: name = "disabled"
        }
        Counter(label: "chastity_webhook_deliveries_total", dimensions: [("outcome", name)]).increment()
        if case .delivered = outcome {
        } else {
            // Never the URL: its path or query may carry the receiver's own secret.
            logger.info(
                "webhook attempt failed",
                metadata: [
                    "webhook": "\(message.webhookID)", "message": "\(message.messageID)", "attempt": "\(message.attempts + 1)",
                    "reason": "\(result.error)",
                ])
        }
        do {
            try await store.finishWebhookAttempt(message, outcome: outcome, at: Timestamp(clock.now()))
        } catch {
            // The lease ends and the message is tried again: at least once.
            logger.warning("could not record a webhook attempt", metadata: ["webhook": "\(message.webhookID)", "error": "\(error)"])
        }
    }

    private func purge() async {
        do {
            let count = try await store.purgeWebhookMessages(olderThan: settings.retention, now: Timestamp(clock.now()))
            if count > 0 { logger.info("forgot finished webhook messages", metadata: ["count": "\(count)"]) }
        } catch {
            logger.warning("could not forget finished webhook messages", metadata: ["error": "\(error)"])
        }
    }
}

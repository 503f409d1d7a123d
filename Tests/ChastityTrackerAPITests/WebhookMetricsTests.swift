import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Foundation
import Logging
import Prometheus
import Testing

@testable import ChastityTrackerServer

/// The webhook metrics in the Prometheus text: deliveries by outcome, and the outbox's depth.
@Suite("Webhooks: metrics")
struct WebhookMetricsTests {
    @Test("a delivered message counts in chastity_webhook_deliveries_total{outcome=\"delivered\"}; the outbox depth is a gauge")
    func deliveriesAreCounted() async throws {
        let registry = TransportTests.registry
        try await WebhookReceiver.run { receiver in
            try await TestBackend.selected.withDatabase { location in
                try await TestBackend.closing(try await TestBackend.selected.open(location)) { store in
                    let user = try await store.createUser(name: "alice", timeZone: "UTC", at: Timestamp(Date()))
                    _ = try await store.addWebhook(userID: user.id, url: receiver.url(), secret: .generate(), at: Timestamp(Date()), limit: 10)
                    var logger = Logger(label: "webhook-metrics-test")
                    logger.logLevel = .critical
                    let service = WebhookDeliveryService(store: store, settings: .init(allowPrivate: true), logger: logger)
                    let before = Self.sample(registry, "chastity_webhook_deliveries_total", #"outcome="delivered""#)
                    _ = try await store.insert(
                        [
                            NewOrgasm(
                                date: LocalDate(year: 2026, month: 1, day: 1)!, mode: .full, isPublic: false, type: nil, grantedBy: nil,
                                inserted: Timestamp(Date()))
                        ], userID: user.id)
                    await service.enqueueChanges()
                    // The gauge is the process's: other tests' delivery services (the SDK's suite
                    // shares the process on the PostgreSQL pass) set it too, so only its presence
                    // is checked here; the depth itself is the store's, tested on both backends.
                    #expect(Self.text(registry).contains("# TYPE chastity_webhook_outbox_depth gauge"))
                    let claimed = try await store.claimWebhookMessages(now: Timestamp(Date()), lease: .seconds(30), limit: 10)
                    #expect(claimed.count == 1)
                    for message in claimed { await service.deliver(message) }
                    #expect(receiver.deliveries.count == 1)
                    // At least this delivery: other tests in the process may deliver meanwhile.
                    #expect(Self.sample(registry, "chastity_webhook_deliveries_total", #"outcome="delivered""#) >= before + 1)
                }
            }
        }
    }

    /// The registry's Prometheus text.
    static func text(_ registry: PrometheusCollectorRegistry) -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// The value of the sample of `name` (with `label` among its labels, if given) in the registry's text.
    static func sample(_ registry: PrometheusCollectorRegistry, _ name: String, _ label: String?) -> Double {
        for line in text(registry).split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            if let label, !line.contains(label) { continue }
            if let value = line.split(separator: " ").last.flatMap({ Double($0) }) { return value }
        }
        return 0
    }
}

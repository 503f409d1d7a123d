import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// Two instances on one PostgreSQL database (two stores, each with its own pool and its own
/// delivery service, as two `serve` processes have) and 500 writes: every change reaches the
/// receiver, in order, and no message is delivered twice, since none failed.
@Suite("Webhooks from two instances on one PostgreSQL database")
struct WebhookInstancesTests {
    @Test(
        "500 writes through two instances: the last state delivered is the feed's, states only grow, and no message comes twice",
        arguments: TestBackend.postgres)
    func twoInstancesDeliverOnce(backend: TestBackend) async throws {
        try await WebhookReceiver.run { receiver in
            try await backend.withDatabase { location in
                let first = try await backend.open(location)
                let second = try await backend.open(location)
                do {
                    let alice = try await first.createUser(name: "alice", timeZone: "UTC", at: Timestamp(Date()))
                    _ = try await first.addWebhook(userID: alice.id, url: receiver.url(), secret: .generate(), at: Timestamp(Date()), limit: 10)
                    var logger = Logger(label: "webhook-instances-test")
                    logger.logLevel = .critical
                    let settings = WebhookDeliveryService.Settings(allowPrivate: true)
                    let services = [first, second].map { WebhookDeliveryService(store: $0, settings: settings, logger: logger) }
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for service in services { group.addTask { try await service.run() } }
                        try await withThrowingTaskGroup(of: Void.self) { writers in
                            for writer in 0..<8 {
                                writers.addTask {
                                    let store = writer % 2 == 0 ? first : second
                                    for step in 0..<(500 / 8 + (writer < 500 % 8 ? 1 : 0)) {
                                        let day = 1 + (writer + step) % 28
                                        let date = LocalDate(year: 2026, month: 2, day: day)!
                                        _ = try await store.insert(
                                            [
                                                NewOrgasm(
                                                    date: date, mode: .full, isPublic: false, type: nil, grantedBy: nil, inserted: Timestamp(Date()))
                                            ],
                                            userID: alice.id)
                                    }
                                }
                            }
                            try await writers.waitForAll()
                        }
                        let final = try #require(try await first.changeState(userID: alice.id))
                        #expect(final.sequence == 500)
                        let deadline = ContinuousClock.now + .seconds(30)
                        while ContinuousClock.now < deadline, receiver.deliveries.last.flatMap(Self.sequence(of:)) != final.sequence {
                            try await Task.sleep(for: .milliseconds(100))
                        }
                        group.cancelAll()
                    }
                    let deliveries = receiver.deliveries
                    let sequences = deliveries.compactMap(Self.sequence(of:))
                    #expect(sequences.count == deliveries.count)
                    #expect(sequences.last == 500)
                    #expect(sequences == sequences.sorted())
                    #expect(Set(sequences).count == sequences.count)
                    let ids = deliveries.map { $0.headers["webhook-id"] ?? "" }
                    #expect(Set(ids).count == ids.count)
                } catch {
                    try? await first.close()
                    try? await second.close()
                    throw error
                }
                try await first.close()
                try await second.close()
            }
        }
    }

    /// The sequence of the state a delivery carries.
    static func sequence(of delivery: WebhookReceiver.Delivery) -> Int64? {
        let body = try? JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any]
        let state = (body?["data"] as? [String: Any])?["state"] as? String
        return state.flatMap { ChangeState($0)?.sequence }
    }
}

import ChastityTrackerClient
import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerServices
import ChastityTrackerTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Webhooks end to end (docs/CONTRACT.md section 14): the real server on a database of its own,
/// its delivery service on the real clock, and a real receiver on a loopback port; what arrives
/// is checked with the SDK's `WebhookVerifier` (itself checked against the Standard Webhooks
/// specification's published vectors).
@Suite("Webhooks delivered by a live server", .serialized)
struct WebhookDeliveryTests {
    /// A running server with one user, a write token, and what a test needs to reach them.
    struct Harness: Sendable {
        let base: String
        let store: any ChastityStore
        let administration: Administration
        let user: User
        let token: String

        /// `POST /api/v2/orgasms` with one record; the status.
        func insert(_ date: String = "2026-03-01") async throws -> Int {
            var request = URLRequest(url: URL(string: "\(base)/api/v2/orgasms")!)
            request.httpMethod = "POST"
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(#"{"date":"\#(date)","mode":"full"}"#.utf8)
            let (_, response) = try await URLSession.shared.data(for: request)
            return (response as? HTTPURLResponse)?.statusCode ?? 0
        }

        /// The feed's current state, as an app reads it.
        func state() async throws -> String {
            try #require(try await store.changeState(userID: user.id)).description
        }

        /// Adds a webhook to `url` (private addresses allowed, as the server's are); its secret.
        func addWebhook(_ url: String) async throws -> (Webhook, WebhookSecret) {
            try await administration.addWebhook(userID: user.id, url: url, allowPrivate: true) { _ in }
        }

        /// Waits until the webhook's last attempt is recorded (or 20 s pass); the webhook then.
        func attempted(_ id: Int64, where done: (Webhook) -> Bool = { $0.lastAttempt != nil }) async throws -> Webhook {
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                if let webhook = try await store.webhook(id: id), done(webhook) { return webhook }
                try await Task.sleep(for: .milliseconds(100))
            }
            return try #require(try await store.webhook(id: id))
        }
    }

    /// Runs `body` against a new server on a database of its own (so no other test's deliveries
    /// mix in), with webhooks to private addresses allowed unless told otherwise.
    static func serve(allowPrivate: Bool = true, _ body: @Sendable (Harness) async throws -> Void) async throws {
        try await TestBackend.selected.withDatabase { location in
            try await TestBackend.closing(try await TestBackend.selected.open(location)) { store in
                var configuration = ChastityTrackerDomain.Configuration()
                configuration.host = "127.0.0.1"
                configuration.port = 0
                configuration.webhooksAllowPrivate = allowPrivate
                let administration = Administration(store: store, configuration: configuration)
                let user = try await administration.addUser(name: "alice", timeZone: "UTC")
                let (_, token) = try await administration.createToken(userName: "alice", permission: .write, label: "app")
                try await Self.run(store, configuration: configuration) { port in
                    try await body(
                        Harness(base: "http://127.0.0.1:\(port)", store: store, administration: administration, user: user, token: token.plaintext))
                }
            }
        }
    }

    /// Opens the existential so the generic composition root sees the concrete store type.
    private static func run<Store: ChastityStore>(
        _ store: Store, configuration: ChastityTrackerDomain.Configuration, _ body: @Sendable (Int) async throws -> Void
    ) async throws {
        var logger = Logger(label: "webhook-test")
        logger.logLevel = .critical
        let app = try buildApplication(configuration: configuration, store: store, logger: logger, purges: false, webhooks: true)
        try await app.test(.live) { client in try await body(try #require(client.port)) }
    }

    /// The delivery's body as JSON.
    static func json(_ delivery: WebhookReceiver.Delivery) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any])
    }

    @Test("an insert brings a signed orgasms.changed POST carrying the feed's state, which the SDK's verifier accepts")
    func signedDeliveryOfTheFeedState() async throws {
        try await WebhookReceiver.run { receiver in
            try await Self.serve { harness in
                let (webhook, secret) = try await harness.addWebhook(receiver.url())
                #expect(try await harness.insert() == 201)
                let state = try await harness.state()
                let deliveries = try await receiver.waitFor(1)
                let delivery = try #require(deliveries.first)
                #expect(delivery.path == "/hook")
                #expect(delivery.headers["content-type"] == "application/json")
                #expect(delivery.headers["webhook-id"]?.hasPrefix("msg_") == true)
                try WebhookVerifier(secret: secret.text).verify(body: delivery.body, headers: delivery.headers)
                let body = try Self.json(delivery)
                #expect(body["type"] as? String == "orgasms.changed")
                #expect((body["data"] as? [String: Any])?["state"] as? String == state)
                #expect((body["timestamp"] as? String)?.hasSuffix("Z") == true)
                let delivered = try await harness.attempted(webhook.id) { $0.lastSuccess != nil }
                #expect(delivered.lastStatus == 200)
                #expect(delivered.lastError == nil)
            }
        }
    }

    @Test("inserts are answered while the receiver stalls on a delivery")
    func aStalledReceiverDoesNotHoldWrites() async throws {
        try await WebhookReceiver.run { receiver in
            receiver.script([.stall(.seconds(30), status: 200)])
            try await Self.serve { harness in
                _ = try await harness.addWebhook(receiver.url())
                #expect(try await harness.insert() == 201)
                #expect(try await receiver.waitFor(1).count == 1)
                // The receiver is holding that delivery for 30 s; writes go on.
                for day in 2...9 { #expect(try await harness.insert("2026-03-0\(day)") == 201) }
                #expect(receiver.deliveries.count == 1)
            }
        }
    }

    @Test("a receiver answering 500 then 200 sees two attempts with one webhook-id, both validly signed")
    func aFailureIsRetriedWithTheSameID() async throws {
        try await WebhookReceiver.run { receiver in
            receiver.script([.status(500), .status(200)])
            try await Self.serve { harness in
                let (webhook, secret) = try await harness.addWebhook(receiver.url())
                #expect(try await harness.insert() == 201)
                let failed = try await harness.attempted(webhook.id)
                #expect(failed.lastStatus == 500)
                #expect(failed.lastError == "the receiver answered 500")
                // The first retry comes about 5 s later (4 to 6 with its jitter).
                let deliveries = try await receiver.waitFor(2, timeout: .seconds(15))
                #expect(deliveries.count == 2)
                #expect(Set(deliveries.map { $0.headers["webhook-id"] ?? "" }).count == 1)
                #expect(deliveries[0].body == deliveries[1].body)
                let verifier = try WebhookVerifier(secret: secret.text)
                for delivery in deliveries { try verifier.verify(body: delivery.body, headers: delivery.headers) }
                let delivered = try await harness.attempted(webhook.id) { $0.lastSuccess != nil }
                #expect(delivered.lastStatus == 200)
                #expect(delivered.lastError == nil)
            }
        }
    }

    @Test("a 302 from the receiver is a failure and its target receives nothing")
    func redirectsAreNotFollowed() async throws {
        try await WebhookReceiver.run { receiver in
            receiver.script([.redirect(receiver.url("/elsewhere"))])
            try await Self.serve { harness in
                let (webhook, _) = try await harness.addWebhook(receiver.url())
                #expect(try await harness.insert() == 201)
                let failed = try await harness.attempted(webhook.id)
                #expect(failed.lastStatus == 302)
                #expect(failed.lastError == "the receiver answered 302 (a redirect, not followed)")
                #expect(receiver.deliveries.map(\.path) == ["/hook"])
            }
        }
    }

    @Test("410 from the receiver disables the webhook at once, with the reason on record")
    func goneDisables() async throws {
        try await WebhookReceiver.run { receiver in
            receiver.script([.status(410)])
            try await Self.serve { harness in
                let (webhook, _) = try await harness.addWebhook(receiver.url())
                #expect(try await harness.insert() == 201)
                let disabled = try await harness.attempted(webhook.id) { $0.disabled != nil }
                #expect(disabled.disabledReason == "the receiver answered 410 Gone")
                #expect(disabled.lastStatus == 410)
                // Nothing more is sent, however the records change.
                #expect(try await harness.insert("2026-03-02") == 201)
                try await Task.sleep(for: .seconds(2))
                #expect(receiver.deliveries.count == 1)
            }
        }
    }

    @Test("the page's test message arrives as webhook.test with the current state")
    func testMessage() async throws {
        try await WebhookReceiver.run { receiver in
            try await Self.serve { harness in
                let (webhook, secret) = try await harness.addWebhook(receiver.url())
                #expect(try await harness.administration.sendTestMessage(webhookID: webhook.id, userID: harness.user.id))
                let delivery = try #require(try await receiver.waitFor(1).first)
                try WebhookVerifier(secret: secret.text).verify(body: delivery.body, headers: delivery.headers)
                let body = try Self.json(delivery)
                #expect(body["type"] as? String == "webhook.test")
                #expect((body["data"] as? [String: Any])?["state"] as? String == (try await harness.state()))
            }
        }
    }

    @Test("without --webhooks-allow-private a webhook to a loopback address is refused at delivery, and nothing reaches it")
    func privateAddressesRefusedAtDelivery() async throws {
        try await WebhookReceiver.run { receiver in
            try await Self.serve(allowPrivate: false) { harness in
                // Kept as if it had passed registration (a name that resolved elsewhere then).
                let webhook = try await harness.store.addWebhook(
                    userID: harness.user.id, url: "https://127.0.0.1:\(receiver.port)/hook", secret: .generate(), at: Timestamp(Date()), limit: 10)
                #expect(try await harness.insert() == 201)
                let failed = try await harness.attempted(webhook.id)
                #expect(failed.lastStatus == nil)
                #expect(failed.lastError?.contains("127.0.0.1") == true)
                #expect(receiver.deliveries.isEmpty)
            }
        }
    }
}

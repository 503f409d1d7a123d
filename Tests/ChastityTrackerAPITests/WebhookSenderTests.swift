import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Testing

@testable import ChastityTrackerServer

@Suite("WebhookSender: the receiver's Retry-After")
struct WebhookSenderTests {
    static let now = Timestamp(millisecondsSinceEpoch: 1_796_580_000_000)  // Sun, 06 Dec 2026 18:00:00 GMT

    @Test("Retry-After in seconds or as an HTTP date is a wait from now; anything else is none")
    func retryAfter() {
        #expect(WebhookSender.retryAfter("120", now: Self.now) == .seconds(120))
        #expect(WebhookSender.retryAfter(" 0 ", now: Self.now) == .seconds(0))
        #expect(WebhookSender.retryAfter("Sun, 06 Dec 2026 18:05:00 GMT", now: Self.now) == .milliseconds(300_000))
        // A date already past waits nothing more.
        #expect(WebhookSender.retryAfter("Sun, 06 Dec 2026 17:00:00 GMT", now: Self.now) == .milliseconds(0))
        for value in ["-5", "soon", "1.5", "", "Sunday"] {
            #expect(WebhookSender.retryAfter(value, now: Self.now) == nil, "\(value)")
        }
    }
}

@Suite("WebhookSender: one bound on the whole attempt")
struct WebhookSenderDeadlineTests {
    @Test("a receiver that answers 200 and then trickles its body a byte a second is cut at the attempt's bound")
    func tricklingBodyIsCut() async throws {
        try await WebhookReceiver.run { receiver in
            receiver.script([.trickle(status: 200, duration: .seconds(120))])
            var sender = WebhookSender(allowPrivate: true)
            sender.totalTimeout = .seconds(10)
            let message = WebhookMessage(
                rowID: 1, messageID: "msg_1", webhookID: 1, url: receiver.url(), secret: .generate(), body: "{}", attempts: 0, lease: 0)
            let started = ContinuousClock.now
            let result = await sender.send(message, at: Timestamp(millisecondsSinceEpoch: 1_796_580_000_000))
            #expect(result == WebhookSender.Result(status: nil, error: "no answer within the time allowed", retryAfter: nil))
            #expect(receiver.deliveries.count == 1)
            // Not a timing target: it ended long before the receiver's 120 s.
            #expect(ContinuousClock.now - started < .seconds(60))
        }
    }
}

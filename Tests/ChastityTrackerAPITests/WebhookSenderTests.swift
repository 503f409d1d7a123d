import ChastityTrackerDomain
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

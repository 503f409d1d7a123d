import ChastityTrackerDomain
import Foundation
import Testing

@Suite("WebhookPolicy: messages and retries")
struct WebhookPolicyTests {
    static let now = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000)

    static func retryAt(_ outcome: WebhookAttemptOutcome) -> Int64? {
        guard case .retry(_, _, let at) = outcome else { return nil }
        return at.millisecondsSinceEpoch - now.millisecondsSinceEpoch
    }

    @Test("any 2xx is delivered, whatever the attempt")
    func success() {
        for status in [200, 201, 202, 204, 299] {
            #expect(
                WebhookPolicy.outcome(attempt: 9, status: status, error: "", retryAfter: nil, now: Self.now, jitter: 0.5)
                    == .delivered(status: status))
        }
    }

    @Test("410 disables the webhook at the first attempt")
    func goneDisables() {
        #expect(
            WebhookPolicy.outcome(attempt: 1, status: 410, error: "the receiver answered 410", retryAfter: nil, now: Self.now, jitter: 0.5)
                == .disable(status: 410, error: "the receiver answered 410", reason: "the receiver answered 410 Gone"))
    }

    @Test("failures wait 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 1 day and 1 day, each spread by ±20 %; the ninth disables")
    func schedule() {
        let waits: [Int64] = [5, 300, 1_800, 7_200, 18_000, 36_000, 86_400, 86_400].map { $0 * 1000 }
        for (index, wait) in waits.enumerated() {
            let attempt = index + 1
            let low = WebhookPolicy.outcome(attempt: attempt, status: 500, error: "e", retryAfter: nil, now: Self.now, jitter: 0)
            let middle = WebhookPolicy.outcome(attempt: attempt, status: nil, error: "e", retryAfter: nil, now: Self.now, jitter: 0.5)
            let high = WebhookPolicy.outcome(attempt: attempt, status: 503, error: "e", retryAfter: nil, now: Self.now, jitter: 1)
            #expect(Self.retryAt(low) == wait * 8 / 10, "attempt \(attempt)")
            #expect(Self.retryAt(middle) == wait, "attempt \(attempt)")
            #expect(Self.retryAt(high) == wait * 12 / 10, "attempt \(attempt)")
        }
        #expect(WebhookPolicy.attempts == 9)
        #expect(
            WebhookPolicy.outcome(attempt: 9, status: 500, error: "the receiver answered 500", retryAfter: nil, now: Self.now, jitter: 0.5)
                == .disable(
                    status: 500, error: "the receiver answered 500",
                    reason: "no attempt succeeded in 9 over three days (last: the receiver answered 500)"))
    }

    @Test("a Retry-After longer than the wait is honoured, up to a day; a shorter one does not shorten it")
    func retryAfter() {
        let longer = WebhookPolicy.outcome(attempt: 1, status: 429, error: "e", retryAfter: .seconds(120), now: Self.now, jitter: 0.5)
        #expect(Self.retryAt(longer) == 120_000)
        let shorter = WebhookPolicy.outcome(attempt: 2, status: 503, error: "e", retryAfter: .seconds(1), now: Self.now, jitter: 0.5)
        #expect(Self.retryAt(shorter) == 300_000)
        let huge = WebhookPolicy.outcome(attempt: 1, status: 503, error: "e", retryAfter: .seconds(10 * 86_400), now: Self.now, jitter: 0.5)
        #expect(Self.retryAt(huge) == 86_400_000)
    }

    @Test("a message body is the SPEC's thin JSON with the state and an RFC 3339 UTC timestamp; ids are msg_ and 32 hex digits")
    func messages() throws {
        let state = try #require(ChangeState("0123456789abcdef-42"))
        let changed = WebhookPolicy.changed(state: state, at: Timestamp(millisecondsSinceEpoch: 1_796_580_000_123))
        #expect(changed.body == #"{"type":"orgasms.changed","timestamp":"2026-12-06T18:00:00.123Z","data":{"state":"0123456789abcdef-42"}}"#)
        #expect(changed.kind == .changed)
        let test = WebhookPolicy.test(state: state, at: Self.now)
        #expect(test.body.hasPrefix(#"{"type":"webhook.test","#))
        #expect(test.kind == .test)
        for id in [changed.messageID, test.messageID] {
            #expect(id.hasPrefix("msg_"))
            #expect(id.count == 36)
            #expect(id.dropFirst(4).allSatisfy { $0.isHexDigit && !$0.isUppercase })
        }
        #expect(changed.messageID != test.messageID)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(changed.body.utf8)) as? [String: Any])
        #expect((object["data"] as? [String: Any])?["state"] as? String == "0123456789abcdef-42")
    }
}

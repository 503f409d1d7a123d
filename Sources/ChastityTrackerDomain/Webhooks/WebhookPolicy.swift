/// The messages a webhook is sent and when a failed one is tried again (docs/CONTRACT.md
/// section 14).
public enum WebhookPolicy {
    /// The waits before the second and later attempts: about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
    /// then daily while the first attempt is under 3 days old (two more: 65 h 35 min in all).
    public static let retryDelays: [Duration] = [
        .seconds(5), .seconds(300), .seconds(1_800), .seconds(7_200), .seconds(18_000), .seconds(36_000), .seconds(86_400),
        .seconds(86_400),
    ]

    /// The most attempts of one message: the first and one per ``retryDelays``.
    public static var attempts: Int { retryDelays.count + 1 }

    /// The longest `Retry-After` honoured: a receiver cannot park a message for longer.
    public static let longestRetryAfter: Duration = .seconds(86_400)

    /// A new message id: `msg_` and 32 hexadecimal digits of randomness; every attempt of the
    /// message sends it as `webhook-id`, so a receiver can drop repeats.
    public static func newMessageID() -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef")
        return "msg_" + String((0..<32).map { _ in hex[Int(generator.next() % 16)] })
    }

    /// The body of a message: `{"type":…,"timestamp":"<RFC 3339>","data":{"state":…}}`. The state
    /// is the feed's (16 hexadecimal digits, `-`, digits) and the type one of two fixed words, so
    /// nothing here needs escaping.
    public static func body(type: String, state: ChangeState, at created: Timestamp) -> String {
        var timestamp = created.description
        timestamp.replace(" ", with: "T")
        return #"{"type":"\#(type)","timestamp":"\#(timestamp)Z","data":{"state":"\#(state)"}}"#
    }

    /// A message for the user's changes up to `state`.
    public static func changed(state: ChangeState, at created: Timestamp) -> NewWebhookMessage {
        NewWebhookMessage(
            messageID: newMessageID(), kind: .changed, body: body(type: "orgasms.changed", state: state, at: created), created: created)
    }

    /// The page's "Send test" message, with the user's current state.
    public static func test(state: ChangeState, at created: Timestamp) -> NewWebhookMessage {
        NewWebhookMessage(messageID: newMessageID(), kind: .test, body: body(type: "webhook.test", state: state, at: created), created: created)
    }

    /// What an attempt's result means for its message: a 2xx is delivered; 410 disables the webhook
    /// at once; any other failure is tried again after the schedule's next wait (or the receiver's
    /// `Retry-After`, when longer, up to a day), with `jitter` (0 to 1, drawn per attempt) spreading
    /// it by ±20 %, until the last attempt, which disables the webhook.
    ///
    /// - Parameters:
    ///   - attempt: this attempt's number, from 1.
    ///   - status: the answer's status, `nil` when there was none (no connection, a timeout).
    ///   - error: why it failed, for the page; ignored for a 2xx.
    public static func outcome(
        attempt: Int, status: Int?, error: String, retryAfter: Duration?, now: Timestamp, jitter: Double
    ) -> WebhookAttemptOutcome {
        if let status, (200..<300).contains(status) { return .delivered(status: status) }
        if status == 410 {
            return .disable(status: status, error: error, reason: "the receiver answered 410 Gone")
        }
        guard attempt < attempts else {
            return .disable(status: status, error: error, reason: "no attempt succeeded in \(attempts) over three days (last: \(error))")
        }
        let scheduled = retryDelays[attempt - 1]
        let spread = scheduled * (0.8 + 0.4 * min(max(jitter, 0), 1))
        let wait = max(spread, min(retryAfter ?? .zero, longestRetryAfter))
        return .retry(status: status, error: error, retryAt: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + wait.wholeMilliseconds))
    }
}

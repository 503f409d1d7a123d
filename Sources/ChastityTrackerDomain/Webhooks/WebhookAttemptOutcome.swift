/// How an attempt ended, as the outbox records it.
public enum WebhookAttemptOutcome: Sendable, Hashable {
    /// A 2xx answer: the message is done.
    case delivered(status: Int)
    /// A failure with another attempt due at `retryAt`.
    case retry(status: Int?, error: String, retryAt: Timestamp)
    /// A failure after which the message is dropped and the webhook disabled for `reason` (the
    /// last attempt failed, or the receiver answered 410 Gone).
    case disable(status: Int?, error: String, reason: String)
}

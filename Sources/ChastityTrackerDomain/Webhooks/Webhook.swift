/// A user's subscription of an URL to their changes (docs/CONTRACT.md section 14), as the page and
/// the command line show it. The secret is not part of it: it is shown once, when made.
public struct Webhook: Sendable, Hashable {
    public var id: Int64
    public var userID: Int64
    public var url: String
    public var created: Timestamp
    /// When it was disabled (the last retry failed, or the receiver answered 410), and why.
    public var disabled: Timestamp?
    public var disabledReason: String?
    /// The last attempt: when, the HTTP status if there was an answer, and why it failed.
    public var lastAttempt: Timestamp?
    public var lastStatus: Int?
    public var lastError: String?
    /// The last successful delivery.
    public var lastSuccess: Timestamp?

    public init(
        id: Int64, userID: Int64, url: String, created: Timestamp, disabled: Timestamp? = nil, disabledReason: String? = nil,
        lastAttempt: Timestamp? = nil, lastStatus: Int? = nil, lastError: String? = nil, lastSuccess: Timestamp? = nil
    ) {
        self.id = id
        self.userID = userID
        self.url = url
        self.created = created
        self.disabled = disabled
        self.disabledReason = disabledReason
        self.lastAttempt = lastAttempt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.lastSuccess = lastSuccess
    }
}

/// What a message is for: the user's changes, the page's test, or a redelivery of an earlier one.
public enum WebhookMessageKind: String, Sendable, Hashable {
    case changed
    case test
    case redelivery
}

/// A message to queue: its `webhook-id` and the exact body every attempt sends.
public struct NewWebhookMessage: Sendable, Hashable {
    public var messageID: String
    public var kind: WebhookMessageKind
    public var body: String
    public var created: Timestamp

    public init(messageID: String, kind: WebhookMessageKind, body: String, created: Timestamp) {
        self.messageID = messageID
        self.kind = kind
        self.body = body
        self.created = created
    }
}

/// A claimed message with what its delivery needs. `lease` is the claim's own mark: finishing
/// an attempt names it, so an instance whose lease ran out cannot overwrite a later claim.
public struct WebhookMessage: Sendable, Hashable {
    public var rowID: Int64
    public var messageID: String
    public var webhookID: Int64
    public var url: String
    public var secret: WebhookSecret
    public var body: String
    /// The attempts made before this one.
    public var attempts: Int
    public var lease: Int64

    public init(rowID: Int64, messageID: String, webhookID: Int64, url: String, secret: WebhookSecret, body: String, attempts: Int, lease: Int64) {
        self.rowID = rowID
        self.messageID = messageID
        self.webhookID = webhookID
        self.url = url
        self.secret = secret
        self.body = body
        self.attempts = attempts
        self.lease = lease
    }
}

/// A webhook whose user's state moved on since its last message.
public struct WebhookBehind: Sendable, Hashable {
    public var webhookID: Int64
    /// The state its last message carried (its user's state when it was added, before any).
    public var notified: String
    public var current: ChangeState

    public init(webhookID: Int64, notified: String, current: ChangeState) {
        self.webhookID = webhookID
        self.notified = notified
        self.current = current
    }
}

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

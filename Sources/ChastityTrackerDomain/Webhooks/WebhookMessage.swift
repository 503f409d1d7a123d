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

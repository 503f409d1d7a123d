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

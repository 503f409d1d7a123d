/// The role of a store that keeps each user's webhooks and their durable outbox (docs/CONTRACT.md
/// section 14).
///
/// The outbox needs nothing from the write path: a write already moves the user's change state in
/// its own transaction (``ChangeStore``), and a webhook remembers the last state it was sent a
/// message for. A webhook whose user's state has moved on is *behind*; the delivery service turns
/// each behind webhook into one message (``enqueueChange(webhookID:from:to:message:)``) and
/// delivers it. So an acknowledged write's event survives `kill -9` with the write itself, writes
/// in quick succession share a message, and a receiver that is down for a day gets one message with
/// the latest state when it is back, not thousands.
///
/// Messages are claimed with a lease (``claimWebhookMessages(now:lease:limit:)``): on PostgreSQL
/// several instances claim different messages (`FOR UPDATE SKIP LOCKED`), and a message whose
/// instance died is claimed again when its lease ends. Every method may throw
/// ``StoreError/unavailable`` when the database cannot be reached.
public protocol WebhookStore: Sendable {
    /// Adds a webhook for the user, as of the user's current state (the writes before it send
    /// nothing), unless the user has `limit` already (counted in the same statement or
    /// transaction, so that parallel additions cannot pass it together). Throws
    /// ``StoreError/missing(_:)`` for an unknown user and ``StoreError/conflict(_:)``
    /// (`webhooks_per_user`) at the limit.
    func addWebhook(userID: Int64, url: String, secret: WebhookSecret, at created: Timestamp, limit: Int) async throws -> Webhook
    /// The user's webhooks, oldest first.
    func webhooks(userID: Int64) async throws -> [Webhook]
    /// The webhook with this id, whoever owns it, or `nil`.
    func webhook(id: Int64) async throws -> Webhook?
    /// Removes the webhook (and its messages); `false` when there is none.
    func removeWebhook(id: Int64) async throws -> Bool
    /// Queues a message for the webhook now, whatever the state (the page's "Send test");
    /// `false` when the webhook does not exist or is disabled.
    func enqueueWebhookMessage(webhookID: Int64, message: NewWebhookMessage) async throws -> Bool
    /// Queues the webhook's latest message once more, with its id and body, and enables the
    /// webhook again; `false` when it has none.
    func redeliverLastWebhookMessage(webhookID: Int64, at now: Timestamp) async throws -> Bool

    /// The enabled webhooks whose user's state differs from the one they were last sent a
    /// message for, and which have no change message waiting.
    func webhooksBehind() async throws -> [WebhookBehind]
    /// Queues `message` for the webhook and records `state` as sent, if the webhook is still at
    /// `notified`, enabled and without a change message waiting; `false` otherwise (another
    /// instance did it, or the webhook changed).
    func enqueueChange(webhookID: Int64, from notified: String, to state: ChangeState, message: NewWebhookMessage) async throws -> Bool
    /// Claims up to `limit` due messages (unfinished, due by `now`, not leased) until
    /// `now + lease`, oldest due first.
    func claimWebhookMessages(now: Timestamp, lease: Duration, limit: Int) async throws -> [WebhookMessage]
    /// Records an attempt's outcome on the message and its webhook, if the message is still
    /// claimed by `claim` (a claim whose lease ended and was taken again records nothing).
    func finishWebhookAttempt(_ claim: WebhookMessage, outcome: WebhookAttemptOutcome, at now: Timestamp) async throws
    /// How many messages are waiting (unfinished).
    func webhookOutboxDepth() async throws -> Int
    /// Forgets the finished messages older than `retention` (each webhook keeps its latest, for
    /// a redelivery). Returns how many.
    func purgeWebhookMessages(olderThan retention: Duration, now: Timestamp) async throws -> Int
}

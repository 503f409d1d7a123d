public import ChastityTrackerDomain

extension Administration {
    /// The most webhooks one user may keep.
    public static let webhooksPerUser = 10

    /// Subscribes `text` to the user's changes: the URL is checked (``WebhookURL``), `resolve`
    /// checks where its host leads (every address, unless private addresses are allowed), and a
    /// new secret is made, returned once and kept to sign with. Throws an ``AdminError`` whose
    /// message says what is wrong with the URL, or that the user has
    /// ``webhooksPerUser`` already.
    public func addWebhook(
        userID: Int64, url text: String, allowPrivate: Bool, resolve: @Sendable (WebhookURL) async throws -> Void
    ) async throws -> (webhook: Webhook, secret: WebhookSecret) {
        let url: WebhookURL
        do {
            url = try WebhookURL(text, allowPrivate: allowPrivate)
            try await resolve(url)
        } catch let error as WebhookURLError {
            throw AdminError(error.message)
        }
        let secret = WebhookSecret.generate()
        do {
            let webhook = try await store.addWebhook(
                userID: userID, url: url.text, secret: secret, at: Timestamp(clock.now()), limit: Self.webhooksPerUser)
            return (webhook, secret)
        } catch StoreError.conflict("webhooks_per_user") {
            throw AdminError("a user may keep at most \(Self.webhooksPerUser) webhooks; remove one first")
        }
    }

    /// Removes a webhook by id, whoever owns it (the operator's `webhooks remove`); throws when
    /// there is none.
    public func removeWebhook(id: Int64) async throws {
        guard try await store.removeWebhook(id: id) else { throw AdminError("no webhook with id \(id)") }
    }

    /// Removes the user's webhook; `false` when the user has no webhook with this id (another
    /// user's is no different from a missing one).
    public func removeWebhook(id: Int64, userID: Int64) async throws -> Bool {
        guard try await store.webhook(id: id)?.userID == userID else { return false }
        return try await store.removeWebhook(id: id)
    }

    /// Queues a `webhook.test` message to the user's webhook; `false` when the user has no such
    /// webhook, or it is disabled.
    public func sendTestMessage(webhookID: Int64, userID: Int64) async throws -> Bool {
        guard try await store.webhook(id: webhookID)?.userID == userID, let state = try await store.changeState(userID: userID) else {
            return false
        }
        return try await store.enqueueWebhookMessage(webhookID: webhookID, message: WebhookPolicy.test(state: state, at: Timestamp(clock.now())))
    }

    /// Queues the user's webhook's latest message again (same `webhook-id` and body) and enables
    /// the webhook if it was disabled; `false` when the user has no such webhook or it has sent
    /// nothing yet.
    public func redeliverLastMessage(webhookID: Int64, userID: Int64) async throws -> Bool {
        guard try await store.webhook(id: webhookID)?.userID == userID else { return false }
        return try await store.redeliverLastWebhookMessage(webhookID: webhookID, at: Timestamp(clock.now()))
    }
}

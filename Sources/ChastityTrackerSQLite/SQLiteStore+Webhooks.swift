public import ChastityTrackerDomain

extension SQLiteStore {
    static let webhookColumns =
        "id, user_id, url, created_ms, disabled_ms, disabled_reason, last_attempt_ms, last_status, last_error, last_success_ms"

    static func webhook(from row: SQLiteRow) -> Webhook {
        Webhook(
            id: row.integer(0), userID: row.integer(1), url: row.text(2), created: Timestamp(millisecondsSinceEpoch: row.integer(3)),
            disabled: row.optionalInteger(4).map(Timestamp.init(millisecondsSinceEpoch:)), disabledReason: row.optionalText(5),
            lastAttempt: row.optionalInteger(6).map(Timestamp.init(millisecondsSinceEpoch:)), lastStatus: row.optionalInteger(7).map { Int($0) },
            lastError: row.optionalText(8), lastSuccess: row.optionalInteger(9).map(Timestamp.init(millisecondsSinceEpoch:)))
    }

    public func addWebhook(userID: Int64, url: String, secret: WebhookSecret, at created: Timestamp, limit: Int) async throws -> Webhook {
        try await write { connection in
            let count = try connection.first("SELECT count(*) FROM webhooks WHERE user_id = ?", [.integer(userID)]) { $0.integer(0) } ?? 0
            guard count < limit else { throw StoreError.conflict("webhooks_per_user") }
            // As of the user's state now: the writes before the webhook send nothing.
            try connection.query(
                """
                INSERT INTO webhooks (user_id, url, secret, created_ms, notified)
                SELECT user_id, ?, ?, ?, epoch || '-' || state FROM change_feeds WHERE user_id = ?
                """,
                [.text(url), .text(secret.text), .integer(created.millisecondsSinceEpoch), .integer(userID)])
            guard connection.changes > 0 else { throw StoreError.missing("user \(userID)") }
            return Webhook(id: connection.lastInsertID, userID: userID, url: url, created: created)
        }
    }

    public func webhooks(userID: Int64) async throws -> [Webhook] {
        try read { connection in
            var webhooks: [Webhook] = []
            try connection.query("SELECT \(Self.webhookColumns) FROM webhooks WHERE user_id = ? ORDER BY id", [.integer(userID)]) {
                webhooks.append(Self.webhook(from: $0))
            }
            return webhooks
        }
    }

    public func webhook(id: Int64) async throws -> Webhook? {
        try read { connection in
            try connection.first("SELECT \(Self.webhookColumns) FROM webhooks WHERE id = ?", [.integer(id)], Self.webhook(from:))
        }
    }

    public func removeWebhook(id: Int64) async throws -> Bool {
        try await write { connection in
            try connection.query("DELETE FROM webhooks WHERE id = ?", [.integer(id)])
            return connection.changes > 0
        }
    }

    public func enqueueWebhookMessage(webhookID: Int64, message: NewWebhookMessage) async throws -> Bool {
        try await write { connection in
            try connection.query(
                """
                INSERT INTO webhook_messages (webhook_id, message_id, kind, body, created_ms, next_attempt_ms)
                SELECT id, ?, ?, ?, ?, ? FROM webhooks WHERE id = ? AND disabled_ms IS NULL
                AND NOT EXISTS (\(Self.extraWaiting))
                """,
                Self.bindings(message) + [.integer(webhookID), .integer(webhookID)])
            return connection.changes > 0
        }
    }

    public func redeliverLastWebhookMessage(webhookID: Int64, at now: Timestamp) async throws -> Bool {
        try await write { connection in
            try connection.query(
                """
                INSERT INTO webhook_messages (webhook_id, message_id, kind, body, created_ms, next_attempt_ms)
                SELECT webhook_id, message_id, 'redelivery', body, ?, ? FROM webhook_messages
                WHERE webhook_id = ? AND NOT EXISTS (\(Self.extraWaiting))
                ORDER BY id DESC LIMIT 1
                """,
                [.integer(now.millisecondsSinceEpoch), .integer(now.millisecondsSinceEpoch), .integer(webhookID), .integer(webhookID)])
            guard connection.changes > 0 else { return false }
            try connection.query("UPDATE webhooks SET disabled_ms = NULL, disabled_reason = NULL WHERE id = ?", [.integer(webhookID)])
            return true
        }
    }

    public func webhooksBehind() async throws -> [WebhookBehind] {
        try read { connection in
            var behind: [WebhookBehind] = []
            try connection.query(
                """
                SELECT webhooks.id, webhooks.notified, change_feeds.epoch, change_feeds.state
                FROM webhooks JOIN change_feeds ON change_feeds.user_id = webhooks.user_id
                WHERE webhooks.disabled_ms IS NULL AND webhooks.notified <> change_feeds.epoch || '-' || change_feeds.state
                AND NOT EXISTS (
                    SELECT 1 FROM webhook_messages
                    WHERE webhook_id = webhooks.id AND kind = 'changed' AND finished_ms IS NULL
                )
                """
            ) { row in
                behind.append(
                    WebhookBehind(
                        webhookID: row.integer(0), notified: row.text(1), current: ChangeState(epoch: row.text(2), sequence: row.integer(3))))
            }
            return behind
        }
    }

    public func enqueueChange(webhookID: Int64, from notified: String, to state: ChangeState, message: NewWebhookMessage) async throws -> Bool {
        try await write { connection in
            try connection.query(
                """
                UPDATE webhooks SET notified = ? WHERE id = ? AND notified = ? AND disabled_ms IS NULL
                AND NOT EXISTS (
                    SELECT 1 FROM webhook_messages WHERE webhook_id = ? AND kind = 'changed' AND finished_ms IS NULL
                )
                """,
                [.text(state.description), .integer(webhookID), .text(notified), .integer(webhookID)])
            guard connection.changes > 0 else { return false }
            try connection.query(
                "INSERT INTO webhook_messages (message_id, kind, body, created_ms, next_attempt_ms, webhook_id) VALUES (?, ?, ?, ?, ?, ?)",
                Self.bindings(message) + [.integer(webhookID)])
            return true
        }
    }

    public func claimWebhookMessages(now: Timestamp, lease: Duration, limit: Int) async throws -> [WebhookMessage] {
        let leaseUntil = now.millisecondsSinceEpoch + lease.wholeMilliseconds
        // Asked every second: a read first, so that the single writer is taken only when a message
        // is due (the write below looks again, inside its transaction).
        let due = try read { connection in
            try connection.first(
                "SELECT 1 FROM webhook_messages WHERE finished_ms IS NULL AND next_attempt_ms <= ? AND lease_until_ms <= ? LIMIT 1",
                [.integer(now.millisecondsSinceEpoch), .integer(now.millisecondsSinceEpoch)]
            ) { _ in true } ?? false
        }
        guard due else { return [] }
        return try await write { connection in
            // One attempt in flight per webhook: a receiver that stalls holds one slot, and its
            // other messages wait for it (the oldest due first, a few candidates per slot).
            var claimed: [WebhookMessage] = []
            var webhooks: Set<Int64> = []
            let at = SQLiteValue.integer(now.millisecondsSinceEpoch)
            try connection.query(
                """
                SELECT webhook_messages.id, webhook_messages.message_id, webhook_messages.webhook_id, webhooks.url, webhooks.secret,
                    webhook_messages.body, webhook_messages.attempts
                FROM webhook_messages JOIN webhooks ON webhooks.id = webhook_messages.webhook_id
                WHERE webhook_messages.finished_ms IS NULL AND webhook_messages.next_attempt_ms <= ?
                AND webhook_messages.lease_until_ms <= ?
                AND NOT EXISTS (
                    SELECT 1 FROM webhook_messages AS other
                    WHERE other.webhook_id = webhook_messages.webhook_id AND other.finished_ms IS NULL AND other.lease_until_ms > ?
                )
                ORDER BY webhook_messages.next_attempt_ms LIMIT ?
                """,
                [at, at, at, .integer(Int64(limit) * 8)]
            ) { row in
                let webhookID = row.integer(2)
                guard claimed.count < limit, webhooks.insert(webhookID).inserted else { return }
                guard let secret = WebhookSecret(row.text(4)) else { throw CorruptRow(table: "webhooks") }
                claimed.append(
                    WebhookMessage(
                        rowID: row.integer(0), messageID: row.text(1), webhookID: webhookID, url: row.text(3), secret: secret,
                        body: row.text(5), attempts: Int(row.integer(6)), lease: leaseUntil))
            }
            for message in claimed {
                try connection.query("UPDATE webhook_messages SET lease_until_ms = ? WHERE id = ?", [.integer(leaseUntil), .integer(message.rowID)])
            }
            return claimed
        }
    }

    public func finishWebhookAttempt(_ claim: WebhookMessage, outcome: WebhookAttemptOutcome, at now: Timestamp) async throws {
        let at = SQLiteValue.integer(now.millisecondsSinceEpoch)
        try await write { connection in
            let owned: [SQLiteValue] = [.integer(claim.rowID), .integer(claim.lease)]
            let claimed = "WHERE id = ? AND lease_until_ms = ? AND finished_ms IS NULL"
            switch outcome {
            case .delivered(let status):
                try connection.query(
                    "UPDATE webhook_messages SET attempts = attempts + 1, finished_ms = ?, lease_until_ms = 0, last_status = ?, last_error = NULL \(claimed)",
                    [at, .integer(Int64(status))] + owned)
                guard connection.changes > 0 else { return }
                try connection.query(
                    "UPDATE webhooks SET last_attempt_ms = ?, last_status = ?, last_error = NULL, last_success_ms = ? WHERE id = ?",
                    [at, .integer(Int64(status)), at, .integer(claim.webhookID)])
            case .retry(let status, let error, let retryAt):
                try connection.query(
                    """
                    UPDATE webhook_messages SET attempts = attempts + 1, next_attempt_ms = ?, lease_until_ms = 0, last_status = ?, last_error = ?
                    \(claimed)
                    """,
                    [.integer(retryAt.millisecondsSinceEpoch), .optionalInteger(status.map(Int64.init)), .text(error)] + owned)
                guard connection.changes > 0 else { return }
                try connection.query(
                    "UPDATE webhooks SET last_attempt_ms = ?, last_status = ?, last_error = ? WHERE id = ?",
                    [at, .optionalInteger(status.map(Int64.init)), .text(error), .integer(claim.webhookID)])
            case .disable(let status, let error, let reason):
                try connection.query(
                    "UPDATE webhook_messages SET attempts = attempts + 1, finished_ms = ?, lease_until_ms = 0, last_status = ?, last_error = ? \(claimed)",
                    [at, .optionalInteger(status.map(Int64.init)), .text(error)] + owned)
                guard connection.changes > 0 else { return }
                try connection.query(
                    """
                    UPDATE webhooks SET last_attempt_ms = ?, last_status = ?, last_error = ?, disabled_ms = ?, disabled_reason = ?
                    WHERE id = ?
                    """,
                    [at, .optionalInteger(status.map(Int64.init)), .text(error), at, .text(reason), .integer(claim.webhookID)])
                // A disabled webhook sends nothing more: its other waiting messages end here.
                try connection.query(
                    "UPDATE webhook_messages SET finished_ms = ?, lease_until_ms = 0 WHERE webhook_id = ? AND finished_ms IS NULL",
                    [at, .integer(claim.webhookID)])
            }
        }
    }

    public func webhookOutboxDepth() async throws -> Int {
        try read { connection in
            Int(try connection.first("SELECT count(*) FROM webhook_messages WHERE finished_ms IS NULL") { $0.integer(0) } ?? 0)
        }
    }

    public func purgeWebhookMessages(olderThan retention: Duration, now: Timestamp) async throws -> Int {
        let cutoff = now.millisecondsSinceEpoch - retention.wholeMilliseconds
        return try await write(bounded: false) { connection in
            try connection.query(
                """
                DELETE FROM webhook_messages WHERE finished_ms < ?
                AND id NOT IN (SELECT max(id) FROM webhook_messages GROUP BY webhook_id)
                """,
                [.integer(cutoff)])
            return connection.changes
        }
    }

    /// A test or redelivery of the webhook (`?`) still waiting: at most one at a time, so that
    /// pressing the page's buttons cannot fill the outbox.
    private static let extraWaiting = """
        SELECT 1 FROM webhook_messages AS waiting
        WHERE waiting.webhook_id = ? AND waiting.kind IN ('test', 'redelivery') AND waiting.finished_ms IS NULL
        """

    private static func bindings(_ message: NewWebhookMessage) -> [SQLiteValue] {
        [
            .text(message.messageID), .text(message.kind.rawValue), .text(message.body), .integer(message.created.millisecondsSinceEpoch),
            .integer(message.created.millisecondsSinceEpoch),
        ]
    }
}

public import ChastityTrackerDomain
import PostgresNIO

extension PostgresStore {
    static let webhookColumns =
        "id, user_id, url, created_ms, disabled_ms, disabled_reason, last_attempt_ms, last_status, last_error, last_success_ms"

    static func webhook(from row: PostgresRow) throws -> Webhook {
        var cells = Cells(row, table: "webhooks")
        return try webhook(&cells)
    }

    /// The webhook in the next columns of `cells` (``webhookColumns``).
    static func webhook(_ cells: inout Cells) throws -> Webhook {
        Webhook(
            id: try cells.next(Int64.self), userID: try cells.next(Int64.self), url: try cells.next(String.self),
            created: Timestamp(millisecondsSinceEpoch: try cells.next(Int64.self)),
            disabled: try cells.next(Int64?.self).map(Timestamp.init(millisecondsSinceEpoch:)), disabledReason: try cells.next(String?.self),
            lastAttempt: try cells.next(Int64?.self).map(Timestamp.init(millisecondsSinceEpoch:)),
            lastStatus: try cells.next(Int32?.self).map { Int($0) }, lastError: try cells.next(String?.self),
            lastSuccess: try cells.next(Int64?.self).map(Timestamp.init(millisecondsSinceEpoch:)))
    }

    /// The user's current state in the feed's text form, as SQL over `change_feeds` and `orgasm_totals`.
    private static let currentState = "change_feeds.epoch || '-' || coalesce(orgasm_totals.state, 0)"

    public func addWebhook(userID: Int64, url: String, secret: WebhookSecret, at created: Timestamp, limit: Int) async throws -> Webhook {
        try await transaction { session in
            // The user's feed row, locked: additions for one user take turns, so the count holds.
            guard !(try await session.rows("SELECT 1 FROM change_feeds WHERE user_id = \(userID) FOR UPDATE").isEmpty) else {
                throw StoreError.missing("user \(userID)")
            }
            let count = try await session.rows("SELECT count(*) FROM webhooks WHERE user_id = \(userID)").first?.decode(Int64.self) ?? 0
            guard count < Int64(limit) else { throw StoreError.conflict("webhooks_per_user") }
            // As of the user's state now: the writes before the webhook send nothing.
            let rows = try await session.rows(
                """
                INSERT INTO webhooks (user_id, url, secret, created_ms, notified)
                SELECT change_feeds.user_id, \(url), \(secret.text), \(created.millisecondsSinceEpoch), \(unescaped: Self.currentState)
                FROM change_feeds LEFT JOIN orgasm_totals ON orgasm_totals.user_id = change_feeds.user_id
                WHERE change_feeds.user_id = \(userID)
                RETURNING id
                """)
            guard let row = rows.first else { throw StoreError.missing("user \(userID)") }
            return Webhook(id: try row.decode(Int64.self), userID: userID, url: url, created: created)
        }
    }

    public func webhooks(userID: Int64) async throws -> [Webhook] {
        try await session { session in
            try await session.rows("SELECT \(unescaped: Self.webhookColumns) FROM webhooks WHERE user_id = \(userID) ORDER BY id")
                .map(Self.webhook(from:))
        }
    }

    public func webhook(id: Int64) async throws -> Webhook? {
        try await session { session in
            try await session.rows("SELECT \(unescaped: Self.webhookColumns) FROM webhooks WHERE id = \(id)").first.map(Self.webhook(from:))
        }
    }

    public func removeWebhook(id: Int64) async throws -> Bool {
        try await session { session in
            !(try await session.rows("DELETE FROM webhooks WHERE id = \(id) RETURNING id").isEmpty)
        }
    }

    public func enqueueWebhookMessage(webhookID: Int64, message: NewWebhookMessage) async throws -> Bool {
        try await session { session in
            !(try await session.rows(
                """
                INSERT INTO webhook_messages (webhook_id, message_id, kind, body, created_ms, next_attempt_ms)
                SELECT id, \(message.messageID), \(message.kind.rawValue), \(message.body), \(message.created.millisecondsSinceEpoch),
                    \(message.created.millisecondsSinceEpoch)
                FROM webhooks WHERE id = \(webhookID) AND disabled_ms IS NULL
                AND NOT EXISTS (
                    SELECT FROM webhook_messages WHERE webhook_id = \(webhookID) AND kind IN ('test', 'redelivery') AND finished_ms IS NULL
                )
                RETURNING id
                """
            ).isEmpty)
        }
    }

    public func redeliverLastWebhookMessage(webhookID: Int64, at now: Timestamp) async throws -> Bool {
        try await transaction { session in
            let copied = try await session.rows(
                """
                INSERT INTO webhook_messages (webhook_id, message_id, kind, body, created_ms, next_attempt_ms)
                SELECT webhook_id, message_id, 'redelivery', body, \(now.millisecondsSinceEpoch), \(now.millisecondsSinceEpoch)
                FROM webhook_messages WHERE webhook_id = \(webhookID)
                AND NOT EXISTS (
                    SELECT FROM webhook_messages WHERE webhook_id = \(webhookID) AND kind IN ('test', 'redelivery') AND finished_ms IS NULL
                )
                ORDER BY id DESC LIMIT 1
                RETURNING id
                """)
            guard !copied.isEmpty else { return false }
            try await session.run("UPDATE webhooks SET disabled_ms = NULL, disabled_reason = NULL WHERE id = \(webhookID)")
            return true
        }
    }

    public func webhooksBehind() async throws -> [WebhookBehind] {
        try await session { session in
            try await session.rows(
                """
                SELECT webhooks.id, webhooks.notified, change_feeds.epoch, coalesce(orgasm_totals.state, 0)
                FROM webhooks JOIN change_feeds ON change_feeds.user_id = webhooks.user_id
                LEFT JOIN orgasm_totals ON orgasm_totals.user_id = webhooks.user_id
                WHERE webhooks.disabled_ms IS NULL AND webhooks.notified <> \(unescaped: Self.currentState)
                AND NOT EXISTS (
                    SELECT FROM webhook_messages WHERE webhook_id = webhooks.id AND kind = 'changed' AND finished_ms IS NULL
                )
                """
            ).map { row in
                let (id, notified, epoch, state) = try row.decode((Int64, String, String, Int64).self)
                return WebhookBehind(webhookID: id, notified: notified, current: ChangeState(epoch: epoch, sequence: state))
            }
        }
    }

    public func enqueueChange(webhookID: Int64, from notified: String, to state: ChangeState, message: NewWebhookMessage) async throws -> Bool {
        try await transaction { session in
            // The webhook's row lock orders instances: the second re-reads `notified` after the
            // first commits, finds it moved, and queues nothing.
            let moved = try await session.rows(
                """
                UPDATE webhooks SET notified = \(state.description)
                WHERE id = \(webhookID) AND notified = \(notified) AND disabled_ms IS NULL
                AND NOT EXISTS (
                    SELECT FROM webhook_messages WHERE webhook_id = \(webhookID) AND kind = 'changed' AND finished_ms IS NULL
                )
                RETURNING id
                """)
            guard !moved.isEmpty else { return false }
            try await session.run(
                """
                INSERT INTO webhook_messages (webhook_id, message_id, kind, body, created_ms, next_attempt_ms)
                VALUES (\(webhookID), \(message.messageID), \(message.kind.rawValue), \(message.body), \(message.created.millisecondsSinceEpoch),
                    \(message.created.millisecondsSinceEpoch))
                """)
            return true
        }
    }

    public func claimWebhookMessages(now: Timestamp, lease: Duration, limit: Int) async throws -> [WebhookMessage] {
        let at = now.millisecondsSinceEpoch
        let leaseUntil = at + lease.wholeMilliseconds
        return try await session { session in
            // One attempt in flight per webhook (the oldest due message of each webhook without
            // one), so a receiver that stalls holds one slot. SKIP LOCKED: an instance passes over
            // the messages another is claiming at this moment; the UPDATE looks at the lease again
            // on the locked row, and the lease keeps them from it afterwards.
            try await session.rows(
                """
                WITH candidates AS (
                    SELECT DISTINCT ON (webhook_id) id FROM webhook_messages AS message
                    WHERE finished_ms IS NULL AND next_attempt_ms <= \(at) AND lease_until_ms <= \(at)
                    AND NOT EXISTS (
                        SELECT FROM webhook_messages AS other
                        WHERE other.webhook_id = message.webhook_id AND other.finished_ms IS NULL AND other.lease_until_ms > \(at)
                    )
                    ORDER BY webhook_id, next_attempt_ms
                ), due AS (
                    SELECT id FROM webhook_messages WHERE id IN (SELECT id FROM candidates)
                    ORDER BY next_attempt_ms LIMIT \(Int64(limit))
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE webhook_messages SET lease_until_ms = \(leaseUntil)
                FROM due, webhooks
                WHERE webhook_messages.id = due.id AND webhooks.id = webhook_messages.webhook_id
                AND webhook_messages.lease_until_ms <= \(at) AND webhook_messages.finished_ms IS NULL
                RETURNING webhook_messages.id, webhook_messages.message_id, webhook_messages.webhook_id, webhooks.url, webhooks.secret,
                    webhook_messages.body, webhook_messages.attempts
                """
            ).map { row in
                var cells = Cells(row, table: "webhook_messages")
                let rowID = try cells.next(Int64.self)
                let messageID = try cells.next(String.self)
                let webhookID = try cells.next(Int64.self)
                let url = try cells.next(String.self)
                guard let secret = WebhookSecret(try cells.next(String.self)) else { throw CorruptRow(table: "webhooks") }
                return WebhookMessage(
                    rowID: rowID, messageID: messageID, webhookID: webhookID, url: url, secret: secret, body: try cells.next(String.self),
                    attempts: Int(try cells.next(Int32.self)), lease: leaseUntil)
            }
        }
    }

    public func finishWebhookAttempt(_ claim: WebhookMessage, outcome: WebhookAttemptOutcome, at now: Timestamp) async throws {
        let at = now.millisecondsSinceEpoch
        try await transaction { session in
            let claimed = "id = \(claim.rowID) AND lease_until_ms = \(claim.lease) AND finished_ms IS NULL"
            switch outcome {
            case .delivered(let status):
                let done = try await session.rows(
                    """
                    UPDATE webhook_messages SET attempts = attempts + 1, finished_ms = \(at), lease_until_ms = 0, last_status = \(Int32(status)),
                        last_error = NULL
                    WHERE \(unescaped: claimed) RETURNING id
                    """)
                guard !done.isEmpty else { return }
                try await session.run(
                    """
                    UPDATE webhooks SET last_attempt_ms = \(at), last_status = \(Int32(status)), last_error = NULL, last_success_ms = \(at)
                    WHERE id = \(claim.webhookID)
                    """)
            case .retry(let status, let error, let retryAt):
                let done = try await session.rows(
                    """
                    UPDATE webhook_messages SET attempts = attempts + 1, next_attempt_ms = \(retryAt.millisecondsSinceEpoch), lease_until_ms = 0,
                        last_status = \(status.map(Int32.init)), last_error = \(error)
                    WHERE \(unescaped: claimed) RETURNING id
                    """)
                guard !done.isEmpty else { return }
                try await session.run(
                    """
                    UPDATE webhooks SET last_attempt_ms = \(at), last_status = \(status.map(Int32.init)), last_error = \(error)
                    WHERE id = \(claim.webhookID)
                    """)
            case .disable(let status, let error, let reason):
                let done = try await session.rows(
                    """
                    UPDATE webhook_messages SET attempts = attempts + 1, finished_ms = \(at), lease_until_ms = 0,
                        last_status = \(status.map(Int32.init)), last_error = \(error)
                    WHERE \(unescaped: claimed) RETURNING id
                    """)
                guard !done.isEmpty else { return }
                try await session.run(
                    """
                    UPDATE webhooks SET last_attempt_ms = \(at), last_status = \(status.map(Int32.init)), last_error = \(error),
                        disabled_ms = \(at), disabled_reason = \(reason)
                    WHERE id = \(claim.webhookID)
                    """)
                // A disabled webhook sends nothing more: its other waiting messages end here.
                try await session.run(
                    "UPDATE webhook_messages SET finished_ms = \(at), lease_until_ms = 0 WHERE webhook_id = \(claim.webhookID) AND finished_ms IS NULL"
                )
            }
        }
    }

    public func webhookOutboxDepth() async throws -> Int {
        try await session { session in
            Int(try await session.rows("SELECT count(*) FROM webhook_messages WHERE finished_ms IS NULL").first?.decode(Int64.self) ?? 0)
        }
    }

    public func purgeWebhookMessages(olderThan retention: Duration, now: Timestamp) async throws -> Int {
        let cutoff = now.millisecondsSinceEpoch - retention.wholeMilliseconds
        return try await session { session in
            try await session.rows(
                """
                DELETE FROM webhook_messages WHERE finished_ms < \(cutoff)
                AND id NOT IN (SELECT max(id) FROM webhook_messages GROUP BY webhook_id)
                RETURNING id
                """
            ).count
        }
    }
}

public import ChastityTrackerDomain

extension SQLiteStore {
    public func claimIdempotencyKey(userID: Int64, key: String, requestHash: String, at now: Timestamp) async throws -> IdempotencyClaim {
        try await write { connection in
            let existing = try connection.first(
                "SELECT request_hash, created_ms, status, body, location FROM idempotency_keys WHERE user_id = ? AND key = ?",
                [.integer(userID), .text(key)]
            ) { row in
                (hash: row.text(0), created: row.integer(1), status: row.optionalInteger(2), body: row.optionalText(3), location: row.optionalText(4))
            }
            let nowMS = now.millisecondsSinceEpoch
            let stored = existing.map { existing in
                IdempotencyRecord(
                    requestHash: existing.hash, created: Timestamp(millisecondsSinceEpoch: existing.created),
                    response: existing.status.map { StoredResponse(status: Int($0), body: existing.body ?? "", location: existing.location) }
                )
            }
            if let answer = IdempotencyPolicy.decide(stored: stored, requestHash: requestHash, now: now) { return answer }
            try connection.query(
                """
                INSERT INTO idempotency_keys (user_id, key, request_hash, created_ms) VALUES (?, ?, ?, ?)
                ON CONFLICT (user_id, key) DO UPDATE SET request_hash = excluded.request_hash,
                    created_ms = excluded.created_ms, status = NULL, body = NULL, location = NULL
                """,
                [.integer(userID), .text(key), .text(requestHash), .integer(nowMS)]
            )
            return .claimed
        }
    }

    public func releaseIdempotencyKey(userID: Int64, key: String, claimedAt: Timestamp) async throws {
        try await write { connection in
            try connection.query(
                "DELETE FROM idempotency_keys WHERE user_id = ? AND key = ? AND status IS NULL AND created_ms = ?",
                [.integer(userID), .text(key), .integer(claimedAt.millisecondsSinceEpoch)]
            )
        }
    }

    public func purgeIdempotencyKeys(createdBefore cutoff: Timestamp) async throws -> Int {
        try await write { connection in
            try connection.query("DELETE FROM idempotency_keys WHERE created_ms < ?", [.integer(cutoff.millisecondsSinceEpoch)])
            return connection.changes
        }
    }
}

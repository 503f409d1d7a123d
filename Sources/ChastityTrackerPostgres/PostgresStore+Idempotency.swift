public import ChastityTrackerDomain
import PostgresNIO

extension PostgresStore {
    public func claimIdempotencyKey(userID: Int64, key: String, requestHash: String, at now: Timestamp) async throws -> IdempotencyClaim {
        let nowMS = now.millisecondsSinceEpoch
        return try await transaction { session in
            // A new key is claimed by inserting it; an existing one is locked, so concurrent
            // claims of one key queue here.
            let inserted = try await session.rows(
                """
                INSERT INTO idempotency_keys (user_id, key, request_hash, created_ms) VALUES (\(userID), \(key), \(requestHash), \(nowMS))
                ON CONFLICT (user_id, key) DO NOTHING RETURNING 1
                """)
            if !inserted.isEmpty { return .claimed }
            let rows = try await session.rows(
                """
                SELECT request_hash, created_ms, status, body, location FROM idempotency_keys
                WHERE user_id = \(userID) AND key = \(key) FOR UPDATE
                """)
            guard let row = rows.first else { throw StoreError.unavailable }
            let (hash, created, status, body, location) = try row.decode((String, Int64, Int32?, String?, String?).self)
            let stored = IdempotencyRecord(
                requestHash: hash, created: Timestamp(millisecondsSinceEpoch: created),
                response: status.map { StoredResponse(status: Int($0), body: body ?? "", location: location) }
            )
            if let answer = IdempotencyPolicy.decide(stored: stored, requestHash: requestHash, now: now) { return answer }
            try await session.run(
                """
                UPDATE idempotency_keys SET request_hash = \(requestHash), created_ms = \(nowMS), status = NULL, body = NULL, location = NULL
                WHERE user_id = \(userID) AND key = \(key)
                """)
            return .claimed
        }
    }

    public func releaseIdempotencyKey(userID: Int64, key: String, claimedAt: Timestamp) async throws {
        try await session { session in
            try await session.run(
                """
                DELETE FROM idempotency_keys
                WHERE user_id = \(userID) AND key = \(key) AND status IS NULL AND created_ms = \(claimedAt.millisecondsSinceEpoch)
                """)
        }
    }

    public func purgeIdempotencyKeys(createdBefore cutoff: Timestamp) async throws -> Int {
        try await session { session in
            try await session.rows("DELETE FROM idempotency_keys WHERE created_ms < \(cutoff.millisecondsSinceEpoch) RETURNING 1").count
        }
    }
}

public import ChastityTrackerDomain
import PostgresNIO

extension PostgresStore {
    public func setPasswordHash(userID: Int64, hash: String) async throws -> Bool {
        try await transaction { session in
            guard !(try await session.rows("UPDATE users SET password_hash = \(hash) WHERE id = \(userID) RETURNING id").isEmpty) else {
                return false
            }
            try await session.run("DELETE FROM sessions WHERE user_id = \(userID)")
            return true
        }
    }

    public func passwordHash(userID: Int64) async throws -> String? {
        try await session { session in
            try await session.rows("SELECT password_hash FROM users WHERE id = \(userID)").first.flatMap { try $0.decode(String?.self) }
        }
    }

    public func createSession(hash: String, userID: Int64, at created: Timestamp) async throws {
        do {
            try await session { session in
                try await session.run(
                    """
                    INSERT INTO sessions (hash, user_id, created_ms, last_seen_ms)
                    VALUES (\(hash), \(userID), \(created.millisecondsSinceEpoch), \(created.millisecondsSinceEpoch))
                    """)
            }
        } catch StoreError.missing {
            throw StoreError.missing("user \(userID)")
        }
    }

    public func session(hash: String, lastSeenSince idleCutoff: Timestamp, createdSince absoluteCutoff: Timestamp) async throws -> AccountSession? {
        try await session { session in
            let rows = try await session.rows(
                """
                SELECT users.id, users.name, users.time_zone, users.created_ms, sessions.created_ms, sessions.last_seen_ms
                FROM sessions JOIN users ON users.id = sessions.user_id
                WHERE sessions.hash = \(hash) AND sessions.last_seen_ms >= \(idleCutoff.millisecondsSinceEpoch)
                    AND sessions.created_ms >= \(absoluteCutoff.millisecondsSinceEpoch)
                """)
            return try rows.first.map { row in
                let (id, name, timeZone, userCreated, created, lastSeen) = try row.decode((Int64, String, String, Int64, Int64, Int64).self)
                return AccountSession(
                    user: User(id: id, name: name, timeZone: timeZone, created: Timestamp(millisecondsSinceEpoch: userCreated)),
                    created: Timestamp(millisecondsSinceEpoch: created),
                    lastSeen: Timestamp(millisecondsSinceEpoch: lastSeen)
                )
            }
        }
    }

    public func touchSession(hash: String, at instant: Timestamp) async throws {
        try await session { session in
            try await session.run("UPDATE sessions SET last_seen_ms = \(instant.millisecondsSinceEpoch) WHERE hash = \(hash)")
        }
    }

    public func deleteSession(hash: String) async throws -> Bool {
        try await session { session in
            !(try await session.rows("DELETE FROM sessions WHERE hash = \(hash) RETURNING user_id").isEmpty)
        }
    }

    public func deleteSessions(userID: Int64) async throws -> Int {
        try await session { session in
            try await session.rows("DELETE FROM sessions WHERE user_id = \(userID) RETURNING user_id").count
        }
    }

    public func signInFailures(account: String) async throws -> SignInFailures? {
        try await session { session in
            try await session.rows("SELECT failures, last_failure_ms FROM sign_in_failures WHERE account = \(account)").first.map { row in
                let (count, last) = try row.decode((Int32, Int64).self)
                return SignInFailures(count: Int(count), last: Timestamp(millisecondsSinceEpoch: last))
            }
        }
    }

    public func recordSignInFailure(account: String, at instant: Timestamp, resetBefore: Timestamp) async throws -> SignInFailures {
        try await session { session in
            let rows = try await session.rows(
                """
                INSERT INTO sign_in_failures (account, failures, last_failure_ms) VALUES (\(account), 1, \(instant.millisecondsSinceEpoch))
                ON CONFLICT (account) DO UPDATE SET
                    failures = CASE WHEN sign_in_failures.last_failure_ms < \(resetBefore.millisecondsSinceEpoch)
                        THEN 1 ELSE sign_in_failures.failures + 1 END,
                    last_failure_ms = EXCLUDED.last_failure_ms
                RETURNING failures, last_failure_ms
                """)
            guard let row = rows.first else { throw CorruptRow(table: "sign_in_failures") }
            let (count, last) = try row.decode((Int32, Int64).self)
            return SignInFailures(count: Int(count), last: Timestamp(millisecondsSinceEpoch: last))
        }
    }

    public func clearSignInFailures(account: String) async throws {
        try await session { session in
            try await session.run("DELETE FROM sign_in_failures WHERE account = \(account)")
        }
    }

    public func purgeSessions(lastSeenBefore idleCutoff: Timestamp, createdBefore absoluteCutoff: Timestamp) async throws -> Int {
        try await session { session in
            try await session.rows(
                """
                DELETE FROM sessions
                WHERE last_seen_ms < \(idleCutoff.millisecondsSinceEpoch) OR created_ms < \(absoluteCutoff.millisecondsSinceEpoch)
                RETURNING 1
                """
            ).count
        }
    }

    public func purgeSignInFailures(lastFailureBefore cutoff: Timestamp) async throws -> Int {
        try await session { session in
            try await session.rows("DELETE FROM sign_in_failures WHERE last_failure_ms < \(cutoff.millisecondsSinceEpoch) RETURNING 1").count
        }
    }

    public func serverKey(named name: String, orStore candidate: String) async throws -> String {
        try await session { session in
            try await session.run("INSERT INTO server_keys (name, key) VALUES (\(name), \(candidate)) ON CONFLICT (name) DO NOTHING")
            guard let row = try await session.rows("SELECT key FROM server_keys WHERE name = \(name)").first else {
                throw CorruptRow(table: "server_keys")
            }
            return try row.decode(String.self)
        }
    }
}

public import ChastityTrackerDomain

extension SQLiteStore {
    public func setPasswordHash(userID: Int64, hash: String) async throws -> Bool {
        try await write { connection in
            try connection.query("UPDATE users SET password_hash = ? WHERE id = ?", [.text(hash), .integer(userID)])
            guard connection.changes > 0 else { return false }
            try connection.query("DELETE FROM sessions WHERE user_id = ?", [.integer(userID)])
            return true
        }
    }

    public func passwordHash(userID: Int64) async throws -> String? {
        try read { connection in
            try connection.first("SELECT password_hash FROM users WHERE id = ?", [.integer(userID)]) { $0.optionalText(0) } ?? nil
        }
    }

    public func createSession(hash: String, userID: Int64, at created: Timestamp) async throws {
        do {
            try await write { connection in
                try connection.query(
                    "INSERT INTO sessions (hash, user_id, created_ms, last_seen_ms) VALUES (?, ?, ?, ?)",
                    [.text(hash), .integer(userID), .integer(created.millisecondsSinceEpoch), .integer(created.millisecondsSinceEpoch)]
                )
            }
        } catch StoreError.missing {
            // The foreign key failed: name the user, as createToken does.
            throw StoreError.missing("user \(userID)")
        }
    }

    public func session(hash: String, lastSeenSince idleCutoff: Timestamp, createdSince absoluteCutoff: Timestamp) async throws -> AccountSession? {
        try read { connection in
            try connection.first(
                """
                SELECT users.id, users.name, users.time_zone, users.created_ms, sessions.created_ms, sessions.last_seen_ms
                FROM sessions JOIN users ON users.id = sessions.user_id
                WHERE sessions.hash = ? AND sessions.last_seen_ms >= ? AND sessions.created_ms >= ?
                """,
                [.text(hash), .integer(idleCutoff.millisecondsSinceEpoch), .integer(absoluteCutoff.millisecondsSinceEpoch)]
            ) { row in
                AccountSession(
                    user: Self.user(from: row),
                    created: Timestamp(millisecondsSinceEpoch: row.integer(4)),
                    lastSeen: Timestamp(millisecondsSinceEpoch: row.integer(5))
                )
            }
        }
    }

    public func touchSession(hash: String, at instant: Timestamp) async throws {
        try await write { connection in
            try connection.query("UPDATE sessions SET last_seen_ms = ? WHERE hash = ?", [.integer(instant.millisecondsSinceEpoch), .text(hash)])
        }
    }

    public func deleteSession(hash: String) async throws -> Bool {
        try await write { connection in
            try connection.query("DELETE FROM sessions WHERE hash = ?", [.text(hash)])
            return connection.changes > 0
        }
    }

    public func deleteSessions(userID: Int64) async throws -> Int {
        try await write { connection in
            try connection.query("DELETE FROM sessions WHERE user_id = ?", [.integer(userID)])
            return connection.changes
        }
    }

    public func signInFailures(account: String) async throws -> SignInFailures? {
        try read { connection in
            try connection.first("SELECT failures, last_failure_ms FROM sign_in_failures WHERE account = ?", [.text(account)]) { row in
                SignInFailures(count: Int(row.integer(0)), last: Timestamp(millisecondsSinceEpoch: row.integer(1)))
            }
        }
    }

    public func recordSignInFailure(account: String, at instant: Timestamp, resetBefore: Timestamp) async throws -> SignInFailures {
        try await write { connection in
            let counted = try connection.first(
                """
                INSERT INTO sign_in_failures (account, failures, last_failure_ms) VALUES (?, 1, ?)
                ON CONFLICT (account) DO UPDATE SET
                    failures = CASE WHEN last_failure_ms < ? THEN 1 ELSE failures + 1 END,
                    last_failure_ms = excluded.last_failure_ms
                RETURNING failures, last_failure_ms
                """,
                [.text(account), .integer(instant.millisecondsSinceEpoch), .integer(resetBefore.millisecondsSinceEpoch)]
            ) { row in
                SignInFailures(count: Int(row.integer(0)), last: Timestamp(millisecondsSinceEpoch: row.integer(1)))
            }
            guard let counted else { throw CorruptRow(table: "sign_in_failures") }
            return counted
        }
    }

    public func clearSignInFailures(account: String) async throws {
        try await write { connection in
            try connection.query("DELETE FROM sign_in_failures WHERE account = ?", [.text(account)])
        }
    }

    public func purgeSessions(lastSeenBefore idleCutoff: Timestamp, createdBefore absoluteCutoff: Timestamp) async throws -> Int {
        try await write { connection in
            try connection.query(
                "DELETE FROM sessions WHERE last_seen_ms < ? OR created_ms < ?",
                [.integer(idleCutoff.millisecondsSinceEpoch), .integer(absoluteCutoff.millisecondsSinceEpoch)]
            )
            return connection.changes
        }
    }

    public func purgeSignInFailures(lastFailureBefore cutoff: Timestamp) async throws -> Int {
        try await write { connection in
            try connection.query("DELETE FROM sign_in_failures WHERE last_failure_ms < ?", [.integer(cutoff.millisecondsSinceEpoch)])
            return connection.changes
        }
    }

    public func serverKey(named name: String, orStore candidate: String) async throws -> String {
        let stored = try read { connection in
            try connection.first("SELECT key FROM server_keys WHERE name = ?", [.text(name)]) { row in row.text(0) }
        }
        if let stored { return stored }
        return try await write { connection in
            try connection.query("INSERT INTO server_keys (name, key) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", [.text(name), .text(candidate)])
            guard let key = try connection.first("SELECT key FROM server_keys WHERE name = ?", [.text(name)], { row in row.text(0) }) else {
                throw CorruptRow(table: "server_keys")
            }
            return key
        }
    }
}

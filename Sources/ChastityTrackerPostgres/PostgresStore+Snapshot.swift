public import ChastityTrackerDomain
import PostgresNIO

extension PostgresStore {
    public func counts() async throws -> StoreCounts {
        try await transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { session in try await Self.counts(on: session) }
    }

    /// Every user's snapshot and the counts, all read in one `REPEATABLE READ` transaction: one
    /// snapshot of the whole database, as `backup` needs it (`copy` reads a user per transaction).
    public func consistentSnapshots() async throws -> (snapshots: [UserSnapshot], counts: StoreCounts) {
        try await transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { session in
            // The first statement fixes the transaction's snapshot; everything below reads it.
            let counts = try await Self.counts(on: session)
            let users = try await session.rows("SELECT id, name, time_zone, created_ms FROM users ORDER BY id").map(Self.user(from:))
            var snapshots: [UserSnapshot] = []
            for user in users { snapshots.append(try await Self.snapshot(of: user, on: session)) }
            return (snapshots, counts)
        }
    }

    static func counts(on session: PostgresSession) async throws -> StoreCounts {
        let row = try await session.rows(
            """
            SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM tokens WHERE grant_id IS NULL), (SELECT count(*) FROM orgasms),
                   (SELECT count(*) FROM idempotency_keys)
            """
        ).first
        guard let (users, tokens, orgasms, keys) = try row?.decode((Int64, Int64, Int64, Int64).self) else { throw StoreError.unavailable }
        return StoreCounts(users: Int(users), tokens: Int(tokens), orgasms: Int(orgasms), idempotencyKeys: Int(keys))
    }

    public func snapshot(of user: User) async throws -> UserSnapshot {
        try await transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { session in try await Self.snapshot(of: user, on: session) }
    }

    static func snapshot(of user: User, on session: PostgresSession) async throws -> UserSnapshot {
        let passwordHash = try await session.rows("SELECT password_hash FROM users WHERE id = \(user.id)").first.flatMap {
            try $0.decode(String?.self)
        }
        let tokens = try await session.rows(
            """
            SELECT id, user_id, label, permission, created_ms, last_used_ms, revoked_ms, hash FROM tokens
            WHERE user_id = \(user.id) AND grant_id IS NULL ORDER BY id
            """
        ).map { row in
            let (id, userID, label, permission, created, lastUsed, revoked, hash) =
                try row.decode((Int64, Int64, String, String, Int64, Int64?, Int64?, String).self)
            return StoredToken(info: try Self.token((id, userID, label, permission, created, lastUsed, revoked)), hash: hash)
        }
        let items = try await session.rows(
            """
            SELECT \(unescaped: PostgresOrgasmColumns.selected) FROM orgasms
            WHERE user_id = \(user.id) ORDER BY id
            """
        ).map(PostgresOrgasmColumns.orgasm(from:))
        let keys = try await session.rows(
            """
            SELECT key, request_hash, created_ms, status, body, location FROM idempotency_keys
            WHERE user_id = \(user.id) ORDER BY key COLLATE "C"
            """
        ).map { row in
            let (key, hash, created, status, body, location) = try row.decode((String, String, Int64, Int32?, String?, String?).self)
            return StoredIdempotencyKey(
                key: key, requestHash: hash, created: Timestamp(millisecondsSinceEpoch: created),
                response: status.map { StoredResponse(status: Int($0), body: body ?? "", location: location) }
            )
        }
        return UserSnapshot(user: user, passwordHash: passwordHash, tokens: tokens, orgasms: items, idempotencyKeys: keys)
    }

    public func restore(_ snapshot: UserSnapshot) async throws {
        try await transaction { session in
            let user = snapshot.user
            try await session.run(
                """
                INSERT INTO users (id, name, time_zone, created_ms, password_hash) OVERRIDING SYSTEM VALUE
                VALUES (\(user.id), \(user.name), \(user.timeZone), \(user.created.millisecondsSinceEpoch), \(snapshot.passwordHash))
                """)
            for token in snapshot.tokens {
                let info = token.info
                try await session.run(
                    """
                    INSERT INTO tokens (id, user_id, label, permission, hash, created_ms, last_used_ms, revoked_ms) OVERRIDING SYSTEM VALUE
                    VALUES (\(info.id), \(user.id), \(info.label), \(info.permission.rawValue), \(token.hash),
                            \(info.created.millisecondsSinceEpoch), \(info.lastUsed?.millisecondsSinceEpoch), \(info.revoked?.millisecondsSinceEpoch))
                    """)
            }
            for item in snapshot.orgasms {
                try await session.run(PostgresOrgasmColumns.restore(item, userID: user.id))
            }
            for key in snapshot.idempotencyKeys {
                try await session.run(
                    """
                    INSERT INTO idempotency_keys (user_id, key, request_hash, created_ms, status, body, location)
                    VALUES (\(user.id), \(key.key), \(key.requestHash), \(key.created.millisecondsSinceEpoch),
                            \(key.response.map { Int32($0.status) }), \(key.response?.body), \(key.response?.location))
                    """)
            }
            // Identity columns do not follow explicit ids: move each past the largest one.
            for table in ["users", "tokens", "orgasms"] {
                try await session.run(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT setval(pg_get_serial_sequence('\(table)', 'id'), GREATEST((SELECT max(id) FROM \(table)), 1))
                            """))
            }
        }
    }
}

public import ChastityTrackerDomain

extension SQLiteStore {
    public func counts() async throws -> StoreCounts {
        try await read { connection in try Self.counts(on: connection) }
    }

    /// The counts as `connection` sees them (inside its transaction, when it has one).
    static func counts(on connection: SQLiteConnection) throws -> StoreCounts {
        func count(_ table: String) throws -> Int {
            try connection.first("SELECT count(*) FROM \(table)") { Int($0.integer(0)) } ?? 0
        }
        // Personal tokens only: an OAuth grant's access tokens are not copied (the grant is not).
        return StoreCounts(
            users: try count("users"), tokens: try count("tokens WHERE grant_id IS NULL"), orgasms: try count("orgasms"),
            idempotencyKeys: try count("idempotency_keys")
        )
    }

    public func snapshot(of user: User) async throws -> UserSnapshot {
        try await read { connection in
            let passwordHash =
                try connection.first("SELECT password_hash FROM users WHERE id = ?", [.integer(user.id)]) { $0.optionalText(0) } ?? nil
            var tokens: [StoredToken] = []
            try connection.query(
                "SELECT id, user_id, label, permission, created_ms, last_used_ms, revoked_ms, hash FROM tokens WHERE user_id = ? AND grant_id IS NULL ORDER BY id",
                [.integer(user.id)]
            ) { row in tokens.append(StoredToken(info: try Self.token(from: row), hash: row.text(7))) }
            var items: [Orgasm] = []
            try connection.query(
                "SELECT \(SQLiteOrgasmColumns.selected) FROM orgasms WHERE user_id = ? ORDER BY id",
                [.integer(user.id)]
            ) { items.append(try SQLiteOrgasmColumns.orgasm(from: $0)) }
            var keys: [StoredIdempotencyKey] = []
            try connection.query(
                "SELECT key, request_hash, created_ms, status, body, location FROM idempotency_keys WHERE user_id = ? ORDER BY key",
                [.integer(user.id)]
            ) { row in
                let response = row.optionalInteger(3).map {
                    StoredResponse(status: Int($0), body: row.optionalText(4) ?? "", location: row.optionalText(5))
                }
                keys.append(
                    StoredIdempotencyKey(
                        key: row.text(0), requestHash: row.text(1), created: Timestamp(millisecondsSinceEpoch: row.integer(2)), response: response
                    ))
            }
            return UserSnapshot(user: user, passwordHash: passwordHash, tokens: tokens, orgasms: items, idempotencyKeys: keys)
        }
    }

    public func restore(_ snapshot: UserSnapshot) async throws {
        try await write { connection in
            let user = snapshot.user
            try connection.query(
                "INSERT INTO users (id, name, time_zone, created_ms, password_hash) VALUES (?, ?, ?, ?, ?)",
                [
                    .integer(user.id), .text(user.name), .text(user.timeZone), .integer(user.created.millisecondsSinceEpoch),
                    .optionalText(snapshot.passwordHash),
                ]
            )
            for token in snapshot.tokens {
                let info = token.info
                try connection.query(
                    """
                    INSERT INTO tokens (id, user_id, label, permission, hash, created_ms, last_used_ms, revoked_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .integer(info.id), .integer(user.id), .text(info.label), .text(info.permission.rawValue), .text(token.hash),
                        .integer(info.created.millisecondsSinceEpoch), .optionalInteger(info.lastUsed?.millisecondsSinceEpoch),
                        .optionalInteger(info.revoked?.millisecondsSinceEpoch),
                    ]
                )
            }
            for item in snapshot.orgasms {
                try connection.query(
                    "INSERT INTO orgasms (id, user_id, \(SQLiteOrgasmColumns.written)) VALUES (?, ?, \(SQLiteOrgasmColumns.writtenPlaceholders))",
                    [.integer(item.id), .integer(user.id)] + SQLiteOrgasmColumns.values(of: item)
                )
            }
            for key in snapshot.idempotencyKeys {
                try connection.query(
                    "INSERT INTO idempotency_keys (user_id, key, request_hash, created_ms, status, body, location) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        .integer(user.id), .text(key.key), .text(key.requestHash), .integer(key.created.millisecondsSinceEpoch),
                        .optionalInteger(key.response.map { Int64($0.status) }), .optionalText(key.response?.body),
                        .optionalText(key.response?.location),
                    ]
                )
            }
        }
    }
}

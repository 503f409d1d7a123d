public import ChastityTrackerDomain

extension SQLiteStore {
    private static let tokenColumns = "id, user_id, label, permission, created_ms, last_used_ms, revoked_ms"

    public func createToken(
        userID: Int64, label: String, permission: Permission, hash: String, at created: Timestamp
    ) async throws -> TokenInfo {
        try await write { connection in
            guard try connection.first("SELECT 1 FROM users WHERE id = ?", [.integer(userID)], { _ in true }) != nil else {
                throw StoreError.missing("user \(userID)")
            }
            try connection.query(
                "INSERT INTO tokens (user_id, label, permission, hash, created_ms) VALUES (?, ?, ?, ?, ?)",
                [.integer(userID), .text(label), .text(permission.rawValue), .text(hash), .integer(created.millisecondsSinceEpoch)]
            )
            return TokenInfo(
                id: connection.lastInsertID, userID: userID, label: label, permission: permission,
                created: created, lastUsed: nil, revoked: nil
            )
        }
    }

    public func tokens(userID: Int64) async throws -> [TokenInfo] {
        try read { connection in
            var tokens: [TokenInfo] = []
            try connection.query("SELECT \(Self.tokenColumns) FROM tokens WHERE user_id = ? AND grant_id IS NULL ORDER BY id", [.integer(userID)]) {
                tokens.append(try Self.token(from: $0))
            }
            return tokens
        }
    }

    public func token(id: Int64) async throws -> TokenInfo? {
        try read { connection in
            try connection.first("SELECT \(Self.tokenColumns) FROM tokens WHERE id = ? AND grant_id IS NULL", [.integer(id)], Self.token(from:))
        }
    }

    public func revokeToken(id: Int64, at revoked: Timestamp) async throws -> Bool {
        try await write { connection in
            try connection.query(
                "UPDATE tokens SET revoked_ms = coalesce(revoked_ms, ?) WHERE id = ?",
                [.integer(revoked.millisecondsSinceEpoch), .integer(id)]
            )
            return connection.changes > 0
        }
    }

    public func replaceTokenHash(id: Int64, hash: String) async throws -> Bool {
        try await write { connection in
            try connection.query("UPDATE tokens SET hash = ? WHERE id = ? AND revoked_ms IS NULL AND grant_id IS NULL", [.text(hash), .integer(id)])
            return connection.changes > 0
        }
    }

    nonisolated(nonsending) public func principal(forTokenHash hash: String) async throws -> Principal? {
        // The version first, then the lookup in a read of its own (see PrincipalMemo).
        let version = walIndex?.version()
        if let version, let kept = try withPrincipalMemo({ $0.principal(for: hash, at: version) }) { return kept }
        let principal = try read(singleStatement: true) { connection in
            try connection.first(
                """
                SELECT tokens.id, tokens.user_id, users.time_zone, tokens.permission, tokens.last_used_ms, tokens.expires_ms,
                    tokens.grant_id, change_feeds.epoch, change_feeds.state
                FROM tokens JOIN users ON users.id = tokens.user_id LEFT JOIN change_feeds ON change_feeds.user_id = tokens.user_id
                WHERE tokens.hash = ? AND tokens.revoked_ms IS NULL
                """,
                [.text(hash)]
            ) { row in
                Principal(
                    tokenID: row.integer(0), userID: row.integer(1), timeZone: row.text(2),
                    permission: try Permission.stored(row.text(3)),
                    lastUsed: row.optionalInteger(4).map(Timestamp.init(millisecondsSinceEpoch:)),
                    expires: row.optionalInteger(5).map(Timestamp.init(millisecondsSinceEpoch:)), grantID: row.optionalInteger(6),
                    // The same statement as the token: a write that commits after it is one the
                    // request may not see anyway.
                    recordsState: row.optionalText(7).map { ChangeState(epoch: $0, sequence: row.integer(8)) }
                )
            }
        }
        if let version, let principal { try withPrincipalMemo { $0.keep(principal, for: hash, at: version) } }
        return principal
    }

    public func touchToken(id: Int64, at instant: Timestamp) async throws {
        try await write { connection in
            try connection.query("UPDATE tokens SET last_used_ms = ? WHERE id = ?", [.integer(instant.millisecondsSinceEpoch), .integer(id)])
        }
    }

    static func token(from row: SQLiteRow) throws -> TokenInfo {
        let permission = try Permission.stored(row.text(3))
        return TokenInfo(
            id: row.integer(0), userID: row.integer(1), label: row.text(2), permission: permission,
            created: Timestamp(millisecondsSinceEpoch: row.integer(4)),
            lastUsed: row.optionalInteger(5).map(Timestamp.init(millisecondsSinceEpoch:)),
            revoked: row.optionalInteger(6).map(Timestamp.init(millisecondsSinceEpoch:))
        )
    }
}

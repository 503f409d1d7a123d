public import ChastityTrackerDomain
import PostgresNIO

extension PostgresStore {
    private static let tokenColumns = "id, user_id, label, permission, created_ms, last_used_ms, revoked_ms"

    public func createToken(
        userID: Int64, label: String, permission: Permission, hash: String, at created: Timestamp
    ) async throws -> TokenInfo {
        do {
            return try await insertToken(userID: userID, label: label, permission: permission, hash: hash, at: created)
        } catch StoreError.missing {
            // The foreign key failed: name the user, as the SQLite backend does.
            throw StoreError.missing("user \(userID)")
        }
    }

    private func insertToken(
        userID: Int64, label: String, permission: Permission, hash: String, at created: Timestamp
    ) async throws -> TokenInfo {
        try await session { session in
            let rows = try await session.rows(
                """
                INSERT INTO tokens (user_id, label, permission, hash, created_ms)
                VALUES (\(userID), \(label), \(permission.rawValue), \(hash), \(created.millisecondsSinceEpoch))
                RETURNING id
                """)
            guard let row = rows.first else { throw CorruptRow(table: "tokens") }
            return TokenInfo(
                id: try row.decode(Int64.self), userID: userID, label: label, permission: permission,
                created: created, lastUsed: nil, revoked: nil
            )
        }
    }

    public func tokens(userID: Int64) async throws -> [TokenInfo] {
        try await session { session in
            try await session.rows("SELECT \(unescaped: Self.tokenColumns) FROM tokens WHERE user_id = \(userID) AND grant_id IS NULL ORDER BY id")
                .map(Self.token(from:))
        }
    }

    public func token(id: Int64) async throws -> TokenInfo? {
        try await session { session in
            try await session.rows("SELECT \(unescaped: Self.tokenColumns) FROM tokens WHERE id = \(id) AND grant_id IS NULL").first.map(
                Self.token(from:))
        }
    }

    public func revokeToken(id: Int64, at revoked: Timestamp) async throws -> Bool {
        defer { principals.removeAll() }
        return try await session { session in
            !(try await session.rows(
                """
                UPDATE tokens SET revoked_ms = coalesce(revoked_ms, \(revoked.millisecondsSinceEpoch)) WHERE id = \(id) RETURNING id
                """
            ).isEmpty)
        }
    }

    public func replaceTokenHash(id: Int64, hash: String) async throws -> Bool {
        defer { principals.removeAll() }
        return try await session { session in
            !(try await session.rows(
                "UPDATE tokens SET hash = \(hash) WHERE id = \(id) AND revoked_ms IS NULL AND grant_id IS NULL RETURNING id"
            ).isEmpty)
        }
    }

    nonisolated(nonsending) public func principal(forTokenHash hash: String) async throws -> Principal? {
        try await principals.principal(forTokenHash: hash) {
            try await session { try await $0.principal(forTokenHash: hash) }
        }
    }

    public func touchToken(id: Int64, at instant: Timestamp) async throws {
        try await session { _ = try await $0.execute(TouchTokenStatement(instant: instant.millisecondsSinceEpoch, id: id)) }
        principals.noteUsed(tokenID: id, at: instant)
    }

    static func token(from row: PostgresRow) throws -> TokenInfo {
        try token(row.decode((Int64, Int64, String, String, Int64, Int64?, Int64?).self))
    }

    /// A token from its decoded columns, in `tokenColumns` order.
    static func token(_ columns: (Int64, Int64, String, String, Int64, Int64?, Int64?)) throws -> TokenInfo {
        let (id, userID, label, permissionText, created, lastUsed, revoked) = columns
        let permission = try Permission.stored(permissionText)
        return TokenInfo(
            id: id, userID: userID, label: label, permission: permission,
            created: Timestamp(millisecondsSinceEpoch: created),
            lastUsed: lastUsed.map(Timestamp.init(millisecondsSinceEpoch:)),
            revoked: revoked.map(Timestamp.init(millisecondsSinceEpoch:))
        )
    }
}

public import ChastityTrackerDomain

extension SQLiteStore {
    public func addClient(_ client: OAuthClient) async throws {
        // A taken id is a unique violation, which the store answers as StoreError.conflict.
        try await write { connection in
            try connection.query(
                "INSERT INTO oauth_clients (id, name, redirect_uris, created_ms) VALUES (?, ?, ?, ?)",
                [
                    .text(client.id), .text(client.name), .text(client.redirectURIs.map(\.text).joined(separator: "\n")),
                    .integer(client.created.millisecondsSinceEpoch),
                ])
        }
    }

    public func clients() async throws -> [OAuthClient] {
        try read { connection in
            var clients: [OAuthClient] = []
            try connection.query("SELECT id, name, redirect_uris, created_ms FROM oauth_clients ORDER BY created_ms, id") {
                clients.append(try Self.client(from: $0))
            }
            return clients
        }
    }

    public func client(id: String) async throws -> OAuthClient? {
        try read { connection in
            try connection.first("SELECT id, name, redirect_uris, created_ms FROM oauth_clients WHERE id = ?", [.text(id)], Self.client(from:))
        }
    }

    public func removeClient(id: String) async throws -> Bool {
        try await write { connection in
            try connection.query("DELETE FROM oauth_clients WHERE id = ?", [.text(id)])
            return connection.changes > 0
        }
    }

    private static func client(from row: SQLiteRow) throws -> OAuthClient {
        let uris = try row.text(2).split(separator: "\n").map { text throws -> RedirectURI in
            do {
                return try RedirectURI(String(text))
            } catch {
                throw CorruptRow(table: "oauth_clients")
            }
        }
        return OAuthClient(id: row.text(0), name: row.text(1), redirectURIs: uris, created: Timestamp(millisecondsSinceEpoch: row.integer(3)))
    }
}

extension SQLiteStore {
    static let grantColumns = "id, user_id, client_id, scope, created_ms, revoked_ms"

    static func grant(from row: SQLiteRow) throws -> OAuthGrant {
        guard let scope = OAuthScope(rawValue: row.text(3)) else { throw CorruptRow(table: "oauth_grants") }
        return OAuthGrant(
            id: row.integer(0), userID: row.integer(1), clientID: row.text(2), scope: scope,
            created: Timestamp(millisecondsSinceEpoch: row.integer(4)), revoked: row.optionalInteger(5).map(Timestamp.init(millisecondsSinceEpoch:)))
    }

    public func addAuthorizationCode(_ code: AuthorizationCode) async throws {
        try await write { connection in
            try connection.query(
                """
                INSERT INTO oauth_codes (hash, client_id, user_id, redirect_uri, scope, challenge, created_ms, expires_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(code.hash), .text(code.clientID), .integer(code.userID), .text(code.redirectURI), .text(code.scope.rawValue),
                    .text(code.codeChallenge), .integer(code.created.millisecondsSinceEpoch), .integer(code.expires.millisecondsSinceEpoch),
                ])
        }
    }

    public func consumeAuthorizationCode(hash: String, at now: Timestamp) async throws -> ConsumedCode? {
        try await write { connection in
            guard
                let (code, used, grant) = try connection.first(
                    """
                    SELECT hash, client_id, user_id, redirect_uri, scope, challenge, created_ms, expires_ms, used_ms, grant_id
                    FROM oauth_codes WHERE hash = ?
                    """, [.text(hash)],
                    { row -> (AuthorizationCode, Int64?, Int64?) in
                        guard let scope = OAuthScope(rawValue: row.text(4)) else { throw CorruptRow(table: "oauth_codes") }
                        let code = AuthorizationCode(
                            hash: row.text(0), clientID: row.text(1), userID: row.integer(2), redirectURI: row.text(3), scope: scope,
                            codeChallenge: row.text(5), created: Timestamp(millisecondsSinceEpoch: row.integer(6)),
                            expires: Timestamp(millisecondsSinceEpoch: row.integer(7)))
                        return (code, row.optionalInteger(8), row.optionalInteger(9))
                    })
            else { return nil }
            if used == nil {
                try connection.query("UPDATE oauth_codes SET used_ms = ? WHERE hash = ?", [.integer(now.millisecondsSinceEpoch), .text(hash)])
            } else if grant == nil {
                // Replayed before its first exchange issued a grant: spoiled, so that exchange fails too.
                try connection.query("UPDATE oauth_codes SET expires_ms = 0 WHERE hash = ?", [.text(hash)])
            }
            return ConsumedCode(code: code, replayed: used != nil, issuedGrant: grant)
        }
    }

    public func issueGrant(for code: AuthorizationCode, access: NewAccessToken, refreshHash: String, at now: Timestamp) async throws -> OAuthGrant {
        try await write { connection in
            let at = SQLiteValue.integer(now.millisecondsSinceEpoch)
            try connection.query(
                "INSERT INTO oauth_grants (user_id, client_id, scope, created_ms) VALUES (?, ?, ?, ?)",
                [.integer(code.userID), .text(code.clientID), .text(code.scope.rawValue), at])
            let grant = OAuthGrant(
                id: connection.lastInsertID, userID: code.userID, clientID: code.clientID, scope: code.scope, created: now, revoked: nil)
            try connection.query(
                "UPDATE oauth_codes SET grant_id = ? WHERE hash = ? AND grant_id IS NULL AND expires_ms > 0", [.integer(grant.id), .text(code.hash)])
            guard connection.changes == 1 else { throw StoreError.missing("oauth code") }
            try Self.insertAccessToken(access, grant: grant, at: at, on: connection)
            try connection.query(
                "INSERT INTO oauth_refresh_tokens (hash, grant_id, created_ms) VALUES (?, ?, ?)", [.text(refreshHash), .integer(grant.id), at])
            return grant
        }
    }

    public func rotateRefreshToken(hash: String, access: NewAccessToken, newRefreshHash: String, at now: Timestamp) async throws -> RefreshRotation? {
        try await write { connection in
            let at = SQLiteValue.integer(now.millisecondsSinceEpoch)
            guard
                let (grant, used) = try connection.first(
                    """
                    SELECT oauth_grants.id, oauth_grants.user_id, oauth_grants.client_id, oauth_grants.scope, oauth_grants.created_ms,
                        oauth_grants.revoked_ms, oauth_refresh_tokens.used_ms
                    FROM oauth_refresh_tokens JOIN oauth_grants ON oauth_grants.id = oauth_refresh_tokens.grant_id
                    WHERE oauth_refresh_tokens.hash = ?
                    """, [.text(hash)], { row in (try Self.grant(from: row), row.optionalInteger(6)) })
            else { return nil }
            guard grant.revoked == nil else { return nil }
            guard used == nil else {
                try Self.revoke(grantID: grant.id, at: at, on: connection)
                return .reused(grantID: grant.id)
            }
            try connection.query("UPDATE oauth_refresh_tokens SET used_ms = ? WHERE hash = ?", [at, .text(hash)])
            try Self.insertAccessToken(access, grant: grant, at: at, on: connection)
            try connection.query(
                "INSERT INTO oauth_refresh_tokens (hash, grant_id, created_ms) VALUES (?, ?, ?)", [.text(newRefreshHash), .integer(grant.id), at])
            return .rotated(grant)
        }
    }

    public func revokeGrant(id: Int64, at now: Timestamp) async throws -> Bool {
        try await write { connection in
            try Self.revoke(grantID: id, at: .integer(now.millisecondsSinceEpoch), on: connection)
        }
    }

    public func grants(userID: Int64) async throws -> [OAuthGrant] {
        try read { connection in
            var grants: [OAuthGrant] = []
            try connection.query("SELECT \(Self.grantColumns) FROM oauth_grants WHERE user_id = ? ORDER BY id", [.integer(userID)]) {
                grants.append(try Self.grant(from: $0))
            }
            return grants
        }
    }

    /// The grant's access token, a tokens row with the grant's scope, the grant and an expiry.
    private static func insertAccessToken(_ access: NewAccessToken, grant: OAuthGrant, at: SQLiteValue, on connection: SQLiteConnection) throws {
        try connection.query(
            "INSERT INTO tokens (user_id, label, permission, hash, created_ms, grant_id, expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                .integer(grant.userID), .text(access.label), .text(grant.scope.permission.rawValue), .text(access.hash), at, .integer(grant.id),
                .integer(access.expires.millisecondsSinceEpoch),
            ])
    }

    /// Revokes a grant with its access tokens and spends its refresh tokens; whether it was live.
    @discardableResult
    private static func revoke(grantID: Int64, at: SQLiteValue, on connection: SQLiteConnection) throws -> Bool {
        try connection.query("UPDATE oauth_grants SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL", [at, .integer(grantID)])
        guard connection.changes > 0 else { return false }
        try connection.query("UPDATE tokens SET revoked_ms = coalesce(revoked_ms, ?) WHERE grant_id = ?", [at, .integer(grantID)])
        try connection.query("UPDATE oauth_refresh_tokens SET used_ms = coalesce(used_ms, ?) WHERE grant_id = ?", [at, .integer(grantID)])
        return true
    }
}

extension SQLiteStore {
    public func revokeGrant(tokenHash: String, clientID: String, at now: Timestamp) async throws -> Bool {
        try await write { connection in
            guard
                let grantID = try connection.first(
                    """
                    SELECT id FROM oauth_grants WHERE client_id = ? AND revoked_ms IS NULL
                        AND (id IN (SELECT grant_id FROM tokens WHERE hash = ?) OR id IN (SELECT grant_id FROM oauth_refresh_tokens WHERE hash = ?))
                    """, [.text(clientID), .text(tokenHash), .text(tokenHash)], { $0.integer(0) })
            else { return false }
            return try Self.revoke(grantID: grantID, at: .integer(now.millisecondsSinceEpoch), on: connection)
        }
    }

    public func revokeGrant(id: Int64, userID: Int64, at now: Timestamp) async throws -> Bool {
        try await write { connection in
            guard
                try connection.first("SELECT id FROM oauth_grants WHERE id = ? AND user_id = ?", [.integer(id), .integer(userID)], { $0.integer(0) })
                    != nil
            else { return false }
            return try Self.revoke(grantID: id, at: .integer(now.millisecondsSinceEpoch), on: connection)
        }
    }

    public func connectedApps(userID: Int64) async throws -> [ConnectedApp] {
        try read { connection in
            var apps: [ConnectedApp] = []
            try connection.query(
                """
                SELECT oauth_grants.id, oauth_grants.client_id, oauth_clients.name, oauth_grants.scope, oauth_grants.created_ms,
                    (SELECT max(last_used_ms) FROM tokens WHERE tokens.grant_id = oauth_grants.id)
                FROM oauth_grants JOIN oauth_clients ON oauth_clients.id = oauth_grants.client_id
                WHERE oauth_grants.user_id = ? AND oauth_grants.revoked_ms IS NULL ORDER BY oauth_grants.id
                """, [.integer(userID)]
            ) { row in
                guard let scope = OAuthScope(rawValue: row.text(3)) else { throw CorruptRow(table: "oauth_grants") }
                apps.append(
                    ConnectedApp(
                        grantID: row.integer(0), clientID: row.text(1), clientName: row.text(2), scope: scope,
                        connected: Timestamp(millisecondsSinceEpoch: row.integer(4)),
                        lastUsed: row.optionalInteger(5).map(Timestamp.init(millisecondsSinceEpoch:))))
            }
            return apps
        }
    }
}

extension SQLiteStore {
    private static let pendingColumns = "hash, client_id, redirect_uri, scope, state, challenge, created_ms, expires_ms"

    private static func pending(from row: SQLiteRow) throws -> PendingAuthorization {
        guard let scope = OAuthScope(rawValue: row.text(3)) else { throw CorruptRow(table: "oauth_pending") }
        return PendingAuthorization(
            hash: row.text(0),
            request: AuthorizationRequest(
                clientID: row.text(1), redirectURI: row.text(2), scope: scope, state: row.optionalText(4), codeChallenge: row.text(5)),
            created: Timestamp(millisecondsSinceEpoch: row.integer(6)), expires: Timestamp(millisecondsSinceEpoch: row.integer(7)))
    }

    public func addPendingAuthorization(_ pending: PendingAuthorization) async throws {
        try await write { connection in
            let request = pending.request
            try connection.query(
                "INSERT INTO oauth_pending (\(Self.pendingColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    .text(pending.hash), .text(request.clientID), .text(request.redirectURI), .text(request.scope.rawValue),
                    .optionalText(request.state), .text(request.codeChallenge), .integer(pending.created.millisecondsSinceEpoch),
                    .integer(pending.expires.millisecondsSinceEpoch),
                ])
        }
    }

    public func pendingAuthorization(hash: String, at now: Timestamp) async throws -> PendingAuthorization? {
        try read { connection in
            try connection.first(
                "SELECT \(Self.pendingColumns) FROM oauth_pending WHERE hash = ? AND expires_ms > ?",
                [.text(hash), .integer(now.millisecondsSinceEpoch)], Self.pending(from:))
        }
    }

    public func takePendingAuthorization(hash: String, at now: Timestamp) async throws -> PendingAuthorization? {
        try await write { connection in
            guard
                let pending = try connection.first(
                    "SELECT \(Self.pendingColumns) FROM oauth_pending WHERE hash = ?", [.text(hash)], Self.pending(from:))
            else { return nil }
            try connection.query("DELETE FROM oauth_pending WHERE hash = ?", [.text(hash)])
            return pending.expires > now ? pending : nil
        }
    }

    /// Grants' access tokens that expired before the cutoff, except each grant's newest (which
    /// keeps the grant's last use for the tokens page).
    static let purgeAccessTokens = """
        DELETE FROM tokens WHERE grant_id IS NOT NULL AND expires_ms < ?
            AND id NOT IN (SELECT max(id) FROM tokens WHERE grant_id IS NOT NULL GROUP BY grant_id)
        """

    public func purgeAuthorizations(requestsExpiredBefore requests: Timestamp, codesAndTokensExpiredBefore cutoff: Timestamp) async throws -> Int {
        try await write { connection in
            try connection.query("DELETE FROM oauth_pending WHERE expires_ms < ?", [.integer(requests.millisecondsSinceEpoch)])
            let pending = connection.changes
            try connection.query("DELETE FROM oauth_codes WHERE expires_ms < ?", [.integer(cutoff.millisecondsSinceEpoch)])
            let codes = connection.changes
            try connection.query(Self.purgeAccessTokens, [.integer(cutoff.millisecondsSinceEpoch)])
            return pending + codes + connection.changes
        }
    }
}

extension SQLiteStore {
    public func grant(refreshHash: String) async throws -> OAuthGrant? {
        try read { connection in
            try connection.first(
                """
                SELECT \(Self.grantColumns) FROM oauth_grants
                WHERE id = (SELECT grant_id FROM oauth_refresh_tokens WHERE hash = ?)
                """, [.text(refreshHash)], Self.grant(from:))
        }
    }
}

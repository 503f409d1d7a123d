public import ChastityTrackerDomain
import PostgresNIO

extension PostgresStore {
    public func addClient(_ client: OAuthClient) async throws {
        // A taken id is a unique violation, which the store answers as StoreError.conflict.
        try await session { session in
            try await session.run(
                """
                INSERT INTO oauth_clients (id, name, redirect_uris, created_ms)
                VALUES (\(client.id), \(client.name), \(client.redirectURIs.map(\.text).joined(separator: "\n")),
                    \(client.created.millisecondsSinceEpoch))
                """)
        }
    }

    public func clients() async throws -> [OAuthClient] {
        try await session { session in
            try await session.rows("SELECT id, name, redirect_uris, created_ms FROM oauth_clients ORDER BY created_ms, id").map(Self.client(from:))
        }
    }

    public func client(id: String) async throws -> OAuthClient? {
        try await session { session in
            try await session.rows("SELECT id, name, redirect_uris, created_ms FROM oauth_clients WHERE id = \(id)").first.map(Self.client(from:))
        }
    }

    public func removeClient(id: String) async throws -> Bool {
        try await session { session in
            !(try await session.rows("DELETE FROM oauth_clients WHERE id = \(id) RETURNING id").isEmpty)
        }
    }

    static func client(from row: PostgresRow) throws -> OAuthClient {
        var cells = Cells(row, table: "oauth_clients")
        let id = try cells.next(String.self)
        let name = try cells.next(String.self)
        let uris = try cells.next(String.self).split(separator: "\n").map { text throws -> RedirectURI in
            do {
                return try RedirectURI(String(text))
            } catch {
                throw CorruptRow(table: "oauth_clients")
            }
        }
        return OAuthClient(id: id, name: name, redirectURIs: uris, created: Timestamp(millisecondsSinceEpoch: try cells.next(Int64.self)))
    }
}

extension PostgresStore {
    static let grantColumns =
        "oauth_grants.id, oauth_grants.user_id, oauth_grants.client_id, oauth_grants.scope, oauth_grants.created_ms, oauth_grants.revoked_ms"

    static func grant(_ cells: inout Cells) throws -> OAuthGrant {
        let id = try cells.next(Int64.self)
        let userID = try cells.next(Int64.self)
        let clientID = try cells.next(String.self)
        guard let scope = OAuthScope(rawValue: try cells.next(String.self)) else { throw CorruptRow(table: "oauth_grants") }
        return OAuthGrant(
            id: id, userID: userID, clientID: clientID, scope: scope, created: Timestamp(millisecondsSinceEpoch: try cells.next(Int64.self)),
            revoked: try cells.next(Int64?.self).map(Timestamp.init(millisecondsSinceEpoch:)))
    }

    public func addAuthorizationCode(_ code: AuthorizationCode) async throws {
        try await session { session in
            try await session.run(
                """
                INSERT INTO oauth_codes (hash, client_id, user_id, redirect_uri, scope, challenge, created_ms, expires_ms)
                VALUES (\(code.hash), \(code.clientID), \(code.userID), \(code.redirectURI), \(code.scope.rawValue), \(code.codeChallenge),
                    \(code.created.millisecondsSinceEpoch), \(code.expires.millisecondsSinceEpoch))
                """)
        }
    }

    public func consumeAuthorizationCode(hash: String, at now: Timestamp) async throws -> ConsumedCode? {
        try await transaction { session in
            // Locked: of two exchanges at once, the second waits and sees the first's used_ms.
            guard
                let row = try await session.rows(
                    """
                    SELECT hash, client_id, user_id, redirect_uri, scope, challenge, created_ms, expires_ms, used_ms, grant_id
                    FROM oauth_codes WHERE hash = \(hash) FOR UPDATE
                    """
                ).first
            else { return nil }
            var cells = Cells(row, table: "oauth_codes")
            let codeHash = try cells.next(String.self)
            let clientID = try cells.next(String.self)
            let userID = try cells.next(Int64.self)
            let redirectURI = try cells.next(String.self)
            guard let scope = OAuthScope(rawValue: try cells.next(String.self)) else { throw CorruptRow(table: "oauth_codes") }
            let code = AuthorizationCode(
                hash: codeHash, clientID: clientID, userID: userID, redirectURI: redirectURI, scope: scope,
                codeChallenge: try cells.next(String.self),
                created: Timestamp(millisecondsSinceEpoch: try cells.next(Int64.self)),
                expires: Timestamp(millisecondsSinceEpoch: try cells.next(Int64.self)))
            let used = try cells.next(Int64?.self)
            let grant = try cells.next(Int64?.self)
            if used == nil {
                try await session.run("UPDATE oauth_codes SET used_ms = \(now.millisecondsSinceEpoch) WHERE hash = \(hash)")
            } else if grant == nil {
                // Replayed before its first exchange issued a grant: spoiled, so that exchange fails too.
                try await session.run("UPDATE oauth_codes SET expires_ms = 0 WHERE hash = \(hash)")
            }
            return ConsumedCode(code: code, replayed: used != nil, issuedGrant: grant)
        }
    }

    public func issueGrant(for code: AuthorizationCode, access: NewAccessToken, refreshHash: String, at now: Timestamp) async throws -> OAuthGrant {
        let at = now.millisecondsSinceEpoch
        return try await transaction { session in
            guard
                let id = try await session.rows(
                    """
                    INSERT INTO oauth_grants (user_id, client_id, scope, created_ms)
                    VALUES (\(code.userID), \(code.clientID), \(code.scope.rawValue), \(at)) RETURNING id
                    """
                ).first?.decode(Int64.self)
            else { throw CorruptRow(table: "oauth_grants") }
            let grant = OAuthGrant(id: id, userID: code.userID, clientID: code.clientID, scope: code.scope, created: now, revoked: nil)
            guard
                !(try await session.rows(
                    "UPDATE oauth_codes SET grant_id = \(id) WHERE hash = \(code.hash) AND grant_id IS NULL AND expires_ms > 0 RETURNING hash"
                ).isEmpty)
            else {
                throw StoreError.missing("oauth code")
            }
            try await Self.insertAccessToken(access, grant: grant, at: at, on: session)
            try await session.run("INSERT INTO oauth_refresh_tokens (hash, grant_id, created_ms) VALUES (\(refreshHash), \(id), \(at))")
            return grant
        }
    }

    public func rotateRefreshToken(hash: String, access: NewAccessToken, newRefreshHash: String, at now: Timestamp) async throws -> RefreshRotation? {
        let at = now.millisecondsSinceEpoch
        defer { principals.removeAll() }
        return try await transaction { session in
            // The refresh token's row and its grant's locked: of two presentations at once, the second
            // sees it spent; a revocation at the same time waits, then revokes the new token too (or
            // came first, and the grant is seen revoked here).
            guard
                let row = try await session.rows(
                    """
                    SELECT \(unescaped: Self.grantColumns), oauth_refresh_tokens.used_ms
                    FROM oauth_refresh_tokens JOIN oauth_grants ON oauth_grants.id = oauth_refresh_tokens.grant_id
                    WHERE oauth_refresh_tokens.hash = \(hash) FOR UPDATE OF oauth_refresh_tokens, oauth_grants
                    """
                ).first
            else { return nil }
            var cells = Cells(row, table: "oauth_refresh_tokens")
            let grant = try Self.grant(&cells)
            let used = try cells.next(Int64?.self)
            guard grant.revoked == nil else { return nil }
            guard used == nil else {
                try await Self.revoke(grantID: grant.id, at: at, on: session)
                return .reused(grantID: grant.id)
            }
            try await session.run("UPDATE oauth_refresh_tokens SET used_ms = \(at) WHERE hash = \(hash)")
            try await Self.insertAccessToken(access, grant: grant, at: at, on: session)
            try await session.run("INSERT INTO oauth_refresh_tokens (hash, grant_id, created_ms) VALUES (\(newRefreshHash), \(grant.id), \(at))")
            return .rotated(grant)
        }
    }

    public func revokeGrant(id: Int64, at now: Timestamp) async throws -> Bool {
        defer { principals.removeAll() }
        return try await transaction { session in try await Self.revoke(grantID: id, at: now.millisecondsSinceEpoch, on: session) }
    }

    public func grants(userID: Int64) async throws -> [OAuthGrant] {
        try await session { session in
            try await session.rows("SELECT \(unescaped: Self.grantColumns) FROM oauth_grants WHERE user_id = \(userID) ORDER BY id").map { row in
                var cells = Cells(row, table: "oauth_grants")
                return try Self.grant(&cells)
            }
        }
    }

    /// The grant's access token, a tokens row with the grant's scope, the grant and an expiry.
    private static func insertAccessToken(_ access: NewAccessToken, grant: OAuthGrant, at: Int64, on session: PostgresSession) async throws {
        try await session.run(
            """
            INSERT INTO tokens (user_id, label, permission, hash, created_ms, grant_id, expires_ms)
            VALUES (\(grant.userID), \(access.label), \(grant.scope.permission.rawValue), \(access.hash), \(at), \(grant.id),
                \(access.expires.millisecondsSinceEpoch))
            """)
    }

    /// Revokes a grant with its access tokens and spends its refresh tokens; whether it was live.
    @discardableResult
    private static func revoke(grantID: Int64, at: Int64, on session: PostgresSession) async throws -> Bool {
        guard
            !(try await session.rows("UPDATE oauth_grants SET revoked_ms = \(at) WHERE id = \(grantID) AND revoked_ms IS NULL RETURNING id").isEmpty)
        else { return false }
        try await session.run("UPDATE tokens SET revoked_ms = coalesce(revoked_ms, \(at)) WHERE grant_id = \(grantID)")
        try await session.run("UPDATE oauth_refresh_tokens SET used_ms = coalesce(used_ms, \(at)) WHERE grant_id = \(grantID)")
        return true
    }
}

extension PostgresStore {
    public func revokeGrant(tokenHash: String, clientID: String, at now: Timestamp) async throws -> Bool {
        defer { principals.removeAll() }
        return try await transaction { session in
            guard
                let grantID = try await session.rows(
                    """
                    SELECT id FROM oauth_grants WHERE client_id = \(clientID) AND revoked_ms IS NULL
                        AND (id IN (SELECT grant_id FROM tokens WHERE hash = \(tokenHash))
                            OR id IN (SELECT grant_id FROM oauth_refresh_tokens WHERE hash = \(tokenHash)))
                    FOR UPDATE
                    """
                ).first?.decode(Int64.self)
            else { return false }
            return try await Self.revoke(grantID: grantID, at: now.millisecondsSinceEpoch, on: session)
        }
    }

    public func revokeGrant(id: Int64, userID: Int64, at now: Timestamp) async throws -> Bool {
        defer { principals.removeAll() }
        return try await transaction { session in
            guard !(try await session.rows("SELECT id FROM oauth_grants WHERE id = \(id) AND user_id = \(userID) FOR UPDATE").isEmpty) else {
                return false
            }
            return try await Self.revoke(grantID: id, at: now.millisecondsSinceEpoch, on: session)
        }
    }

    public func connectedApps(userID: Int64) async throws -> [ConnectedApp] {
        try await session { session in
            try await session.rows(
                """
                SELECT oauth_grants.id, oauth_grants.client_id, oauth_clients.name, oauth_grants.scope, oauth_grants.created_ms,
                    (SELECT max(last_used_ms) FROM tokens WHERE tokens.grant_id = oauth_grants.id)
                FROM oauth_grants JOIN oauth_clients ON oauth_clients.id = oauth_grants.client_id
                WHERE oauth_grants.user_id = \(userID) AND oauth_grants.revoked_ms IS NULL ORDER BY oauth_grants.id
                """
            ).map { row in
                var cells = Cells(row, table: "oauth_grants")
                let id = try cells.next(Int64.self)
                let clientID = try cells.next(String.self)
                let name = try cells.next(String.self)
                guard let scope = OAuthScope(rawValue: try cells.next(String.self)) else { throw CorruptRow(table: "oauth_grants") }
                return ConnectedApp(
                    grantID: id, clientID: clientID, clientName: name, scope: scope,
                    connected: Timestamp(millisecondsSinceEpoch: try cells.next(Int64.self)),
                    lastUsed: try cells.next(Int64?.self).map(Timestamp.init(millisecondsSinceEpoch:)))
            }
        }
    }
}

extension PostgresStore {
    private static let pendingColumns = "hash, client_id, redirect_uri, scope, state, challenge, created_ms, expires_ms"

    private static func pending(from row: PostgresRow) throws -> PendingAuthorization {
        var cells = Cells(row, table: "oauth_pending")
        let hash = try cells.next(String.self)
        let clientID = try cells.next(String.self)
        let redirectURI = try cells.next(String.self)
        guard let scope = OAuthScope(rawValue: try cells.next(String.self)) else { throw CorruptRow(table: "oauth_pending") }
        let state = try cells.next(String?.self)
        let challenge = try cells.next(String.self)
        return PendingAuthorization(
            hash: hash,
            request: AuthorizationRequest(clientID: clientID, redirectURI: redirectURI, scope: scope, state: state, codeChallenge: challenge),
            created: Timestamp(millisecondsSinceEpoch: try cells.next(Int64.self)),
            expires: Timestamp(millisecondsSinceEpoch: try cells.next(Int64.self)))
    }

    public func addPendingAuthorization(_ pending: PendingAuthorization) async throws {
        let request = pending.request
        try await session { session in
            try await session.run(
                """
                INSERT INTO oauth_pending (\(unescaped: Self.pendingColumns))
                VALUES (\(pending.hash), \(request.clientID), \(request.redirectURI), \(request.scope.rawValue), \(request.state),
                    \(request.codeChallenge), \(pending.created.millisecondsSinceEpoch), \(pending.expires.millisecondsSinceEpoch))
                """)
        }
    }

    public func pendingAuthorization(hash: String, at now: Timestamp) async throws -> PendingAuthorization? {
        try await session { session in
            try await session.rows(
                "SELECT \(unescaped: Self.pendingColumns) FROM oauth_pending WHERE hash = \(hash) AND expires_ms > \(now.millisecondsSinceEpoch)"
            ).first.map(Self.pending(from:))
        }
    }

    public func takePendingAuthorization(hash: String, at now: Timestamp) async throws -> PendingAuthorization? {
        try await session { session in
            // One statement: of two decisions at once, only one deletes the row.
            guard
                let pending = try await session.rows("DELETE FROM oauth_pending WHERE hash = \(hash) RETURNING \(unescaped: Self.pendingColumns)")
                    .first.map(Self.pending(from:))
            else { return nil }
            return pending.expires > now ? pending : nil
        }
    }

    public func purgeAuthorizations(requestsExpiredBefore requests: Timestamp, codesAndTokensExpiredBefore cutoff: Timestamp) async throws -> Int {
        let at = cutoff.millisecondsSinceEpoch
        defer { principals.removeAll() }
        return try await session { session in
            let pending = try await session.rows(
                "DELETE FROM oauth_pending WHERE expires_ms < \(requests.millisecondsSinceEpoch) RETURNING 1"
            ).count
            let codes = try await session.rows("DELETE FROM oauth_codes WHERE expires_ms < \(at) RETURNING 1").count
            // Grants' expired access tokens, except each grant's newest (the grant's last use).
            let tokens = try await session.rows(
                """
                DELETE FROM tokens WHERE grant_id IS NOT NULL AND expires_ms < \(at)
                    AND id NOT IN (SELECT max(id) FROM tokens WHERE grant_id IS NOT NULL GROUP BY grant_id)
                RETURNING 1
                """
            ).count
            return pending + codes + tokens
        }
    }
}

extension PostgresStore {
    public func grant(refreshHash: String) async throws -> OAuthGrant? {
        try await session { session in
            try await session.rows(
                """
                SELECT \(unescaped: Self.grantColumns) FROM oauth_grants
                WHERE id = (SELECT grant_id FROM oauth_refresh_tokens WHERE hash = \(refreshHash))
                """
            ).first.map { row in
                var cells = Cells(row, table: "oauth_grants")
                return try Self.grant(&cells)
            }
        }
    }
}

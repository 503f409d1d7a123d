public import ChastityTrackerDomain
import PostgresNIO

extension PostgresStore {
    public func counts() async throws -> StoreCounts {
        try await transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { session in try await Self.counts(on: session) }
    }

    /// The OAuth clients, every user's snapshot and the counts, all read in one `REPEATABLE READ`
    /// transaction: one snapshot of the whole database, as `backup` needs it (`copy` reads a user
    /// per transaction).
    public func consistentSnapshots() async throws -> (clients: [OAuthClient], snapshots: [UserSnapshot], counts: StoreCounts) {
        try await transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { session in
            // The first statement fixes the transaction's snapshot; everything below reads it.
            let counts = try await Self.counts(on: session)
            let clients = try await session.rows("SELECT id, name, redirect_uris, created_ms FROM oauth_clients ORDER BY created_ms, id")
                .map(Self.client(from:))
            let users = try await session.rows("SELECT id, name, time_zone, created_ms FROM users ORDER BY id").map(Self.user(from:))
            var snapshots: [UserSnapshot] = []
            for user in users { snapshots.append(try await Self.snapshot(of: user, on: session)) }
            return (clients, snapshots, counts)
        }
    }

    static func counts(on session: PostgresSession) async throws -> StoreCounts {
        let row = try await session.rows(
            """
            SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM tokens WHERE grant_id IS NULL), (SELECT count(*) FROM orgasms),
                   (SELECT count(*) FROM idempotency_keys), (SELECT count(*) FROM webhooks), (SELECT count(*) FROM oauth_clients),
                   (SELECT count(*) FROM oauth_grants)
            """
        ).first
        guard let (users, tokens, orgasms, keys, webhooks, clients, grants) = try row?.decode((Int64, Int64, Int64, Int64, Int64, Int64, Int64).self)
        else { throw StoreError.unavailable }
        return StoreCounts(
            users: Int(users), tokens: Int(tokens), orgasms: Int(orgasms), idempotencyKeys: Int(keys), webhooks: Int(webhooks),
            oauthClients: Int(clients), oauthGrants: Int(grants))
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
        let webhooks = try await session.rows(
            "SELECT \(unescaped: webhookColumns), secret, notified FROM webhooks WHERE user_id = \(user.id) ORDER BY id"
        ).map { row in
            var cells = Cells(row, table: "webhooks")
            return StoredWebhook(webhook: try webhook(&cells), secret: try cells.next(String.self), notified: try cells.next(String.self))
        }
        var grants = try await session.rows(
            "SELECT id, user_id, client_id, scope, created_ms, revoked_ms FROM oauth_grants WHERE user_id = \(user.id) ORDER BY id"
        ).map { row in
            var cells = Cells(row, table: "oauth_grants")
            return StoredGrant(grant: try grant(&cells), accessTokens: [], refreshTokens: [])
        }
        for index in grants.indices {
            let grantID = grants[index].grant.id
            grants[index].accessTokens = try await session.rows(
                """
                SELECT id, user_id, label, permission, created_ms, last_used_ms, revoked_ms, hash, expires_ms FROM tokens
                WHERE grant_id = \(grantID) ORDER BY id
                """
            ).map { row in
                let (id, userID, label, permission, created, lastUsed, revoked, hash, expires) =
                    try row.decode((Int64, Int64, String, String, Int64, Int64?, Int64?, String, Int64?).self)
                return StoredAccessToken(
                    token: StoredToken(info: try Self.token((id, userID, label, permission, created, lastUsed, revoked)), hash: hash),
                    expires: expires.map(Timestamp.init(millisecondsSinceEpoch:)))
            }
            grants[index].refreshTokens = try await session.rows(
                "SELECT hash, created_ms, used_ms FROM oauth_refresh_tokens WHERE grant_id = \(grantID) ORDER BY hash COLLATE \"C\""
            ).map { row in
                let (hash, created, used) = try row.decode((String, Int64, Int64?).self)
                return StoredRefreshToken(
                    hash: hash, created: Timestamp(millisecondsSinceEpoch: created), used: used.map(Timestamp.init(millisecondsSinceEpoch:)))
            }
        }
        return UserSnapshot(
            user: user, passwordHash: passwordHash, tokens: tokens, orgasms: items, idempotencyKeys: keys, webhooks: webhooks, grants: grants)
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
            for stored in snapshot.webhooks {
                let webhook = stored.webhook
                try await session.run(
                    """
                    INSERT INTO webhooks (id, user_id, url, secret, created_ms, notified, disabled_ms, disabled_reason, last_attempt_ms,
                                          last_status, last_error, last_success_ms)
                    VALUES (\(webhook.id), \(user.id), \(webhook.url), \(stored.secret), \(webhook.created.millisecondsSinceEpoch),
                            \(stored.notified), \(webhook.disabled?.millisecondsSinceEpoch), \(webhook.disabledReason),
                            \(webhook.lastAttempt?.millisecondsSinceEpoch), \(webhook.lastStatus.map { Int32($0) }), \(webhook.lastError),
                            \(webhook.lastSuccess?.millisecondsSinceEpoch))
                    """)
            }
            for stored in snapshot.grants {
                let grant = stored.grant
                try await session.run(
                    """
                    INSERT INTO oauth_grants (id, user_id, client_id, scope, created_ms, revoked_ms) OVERRIDING SYSTEM VALUE
                    VALUES (\(grant.id), \(user.id), \(grant.clientID), \(grant.scope.rawValue), \(grant.created.millisecondsSinceEpoch),
                            \(grant.revoked?.millisecondsSinceEpoch))
                    """)
                for access in stored.accessTokens {
                    let info = access.token.info
                    try await session.run(
                        """
                        INSERT INTO tokens (id, user_id, label, permission, hash, created_ms, last_used_ms, revoked_ms, grant_id, expires_ms)
                        OVERRIDING SYSTEM VALUE
                        VALUES (\(info.id), \(user.id), \(info.label), \(info.permission.rawValue), \(access.token.hash),
                                \(info.created.millisecondsSinceEpoch), \(info.lastUsed?.millisecondsSinceEpoch),
                                \(info.revoked?.millisecondsSinceEpoch), \(grant.id), \(access.expires?.millisecondsSinceEpoch))
                        """)
                }
                for refresh in stored.refreshTokens {
                    try await session.run(
                        """
                        INSERT INTO oauth_refresh_tokens (hash, grant_id, created_ms, used_ms)
                        VALUES (\(refresh.hash), \(grant.id), \(refresh.created.millisecondsSinceEpoch), \(refresh.used?.millisecondsSinceEpoch))
                        """)
                }
            }
            // Identity columns do not follow explicit ids: move each past the largest one.
            for table in ["users", "tokens", "orgasms", "webhooks", "oauth_grants"] {
                try await session.run(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT setval(pg_get_serial_sequence('\(table)', 'id'), GREATEST((SELECT max(id) FROM \(table)), 1))
                            """))
            }
        }
    }
}

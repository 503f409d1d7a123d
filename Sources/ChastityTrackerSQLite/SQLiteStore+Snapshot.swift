public import ChastityTrackerDomain

extension SQLiteStore {
    public func counts() async throws -> StoreCounts {
        try read { connection in try Self.counts(on: connection) }
    }

    /// The counts as `connection` sees them (inside its transaction, when it has one).
    static func counts(on connection: SQLiteConnection) throws -> StoreCounts {
        func count(_ table: String) throws -> Int {
            try connection.first("SELECT count(*) FROM \(table)") { Int($0.integer(0)) } ?? 0
        }
        // Personal tokens only: an app's access tokens go with its grant.
        return StoreCounts(
            users: try count("users"), tokens: try count("tokens WHERE grant_id IS NULL"), orgasms: try count("orgasms"),
            idempotencyKeys: try count("idempotency_keys"), webhooks: try count("webhooks"), oauthClients: try count("oauth_clients"),
            oauthGrants: try count("oauth_grants")
        )
    }

    public func snapshot(of user: User) async throws -> UserSnapshot {
        try read { connection in
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
            return UserSnapshot(
                user: user, passwordHash: passwordHash, tokens: tokens, orgasms: items, idempotencyKeys: keys,
                webhooks: try Self.storedWebhooks(of: user.id, on: connection), grants: try Self.storedGrants(of: user.id, on: connection))
        }
    }

    private static func storedWebhooks(of userID: Int64, on connection: SQLiteConnection) throws -> [StoredWebhook] {
        var webhooks: [StoredWebhook] = []
        try connection.query("SELECT \(webhookColumns), secret, notified FROM webhooks WHERE user_id = ? ORDER BY id", [.integer(userID)]) { row in
            webhooks.append(StoredWebhook(webhook: webhook(from: row), secret: row.text(10), notified: row.text(11)))
        }
        return webhooks
    }

    private static func storedGrants(of userID: Int64, on connection: SQLiteConnection) throws -> [StoredGrant] {
        var grants: [StoredGrant] = []
        try connection.query(
            "SELECT id, user_id, client_id, scope, created_ms, revoked_ms FROM oauth_grants WHERE user_id = ? ORDER BY id", [.integer(userID)]
        ) { row in grants.append(StoredGrant(grant: try grant(from: row), accessTokens: [], refreshTokens: [])) }
        for index in grants.indices {
            let grantID = SQLiteValue.integer(grants[index].grant.id)
            try connection.query(
                """
                SELECT id, user_id, label, permission, created_ms, last_used_ms, revoked_ms, hash, expires_ms FROM tokens
                WHERE grant_id = ? ORDER BY id
                """, [grantID]
            ) { row in
                grants[index].accessTokens.append(
                    StoredAccessToken(
                        token: StoredToken(info: try token(from: row), hash: row.text(7)),
                        expires: row.optionalInteger(8).map(Timestamp.init(millisecondsSinceEpoch:))))
            }
            try connection.query("SELECT hash, created_ms, used_ms FROM oauth_refresh_tokens WHERE grant_id = ? ORDER BY hash", [grantID]) { row in
                grants[index].refreshTokens.append(
                    StoredRefreshToken(
                        hash: row.text(0), created: Timestamp(millisecondsSinceEpoch: row.integer(1)),
                        used: row.optionalInteger(2).map(Timestamp.init(millisecondsSinceEpoch:))))
            }
        }
        return grants
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
            for stored in snapshot.webhooks {
                let webhook = stored.webhook
                try connection.query(
                    """
                    INSERT INTO webhooks (id, user_id, url, secret, created_ms, notified, disabled_ms, disabled_reason, last_attempt_ms,
                                          last_status, last_error, last_success_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .integer(webhook.id), .integer(user.id), .text(webhook.url), .text(stored.secret),
                        .integer(webhook.created.millisecondsSinceEpoch), .text(stored.notified),
                        .optionalInteger(webhook.disabled?.millisecondsSinceEpoch), .optionalText(webhook.disabledReason),
                        .optionalInteger(webhook.lastAttempt?.millisecondsSinceEpoch), .optionalInteger(webhook.lastStatus.map(Int64.init)),
                        .optionalText(webhook.lastError), .optionalInteger(webhook.lastSuccess?.millisecondsSinceEpoch),
                    ]
                )
            }
            for stored in snapshot.grants {
                let grant = stored.grant
                try connection.query(
                    "INSERT INTO oauth_grants (id, user_id, client_id, scope, created_ms, revoked_ms) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        .integer(grant.id), .integer(user.id), .text(grant.clientID), .text(grant.scope.rawValue),
                        .integer(grant.created.millisecondsSinceEpoch), .optionalInteger(grant.revoked?.millisecondsSinceEpoch),
                    ]
                )
                for access in stored.accessTokens {
                    let info = access.token.info
                    try connection.query(
                        """
                        INSERT INTO tokens (id, user_id, label, permission, hash, created_ms, last_used_ms, revoked_ms, grant_id, expires_ms)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                        [
                            .integer(info.id), .integer(user.id), .text(info.label), .text(info.permission.rawValue), .text(access.token.hash),
                            .integer(info.created.millisecondsSinceEpoch), .optionalInteger(info.lastUsed?.millisecondsSinceEpoch),
                            .optionalInteger(info.revoked?.millisecondsSinceEpoch), .integer(grant.id),
                            .optionalInteger(access.expires?.millisecondsSinceEpoch),
                        ]
                    )
                }
                for refresh in stored.refreshTokens {
                    try connection.query(
                        "INSERT INTO oauth_refresh_tokens (hash, grant_id, created_ms, used_ms) VALUES (?, ?, ?, ?)",
                        [
                            .text(refresh.hash), .integer(grant.id), .integer(refresh.created.millisecondsSinceEpoch),
                            .optionalInteger(refresh.used?.millisecondsSinceEpoch),
                        ]
                    )
                }
            }
        }
    }
}

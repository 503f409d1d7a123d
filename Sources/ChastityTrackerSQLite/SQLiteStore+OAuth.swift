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
        try await read { connection in
            var clients: [OAuthClient] = []
            try connection.query("SELECT id, name, redirect_uris, created_ms FROM oauth_clients ORDER BY created_ms, id") {
                clients.append(try Self.client(from: $0))
            }
            return clients
        }
    }

    public func client(id: String) async throws -> OAuthClient? {
        try await read { connection in
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

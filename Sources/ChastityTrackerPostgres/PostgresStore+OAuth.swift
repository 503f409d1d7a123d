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

    private static func client(from row: PostgresRow) throws -> OAuthClient {
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

public import ChastityTrackerDomain
import PostgresNIO

extension PostgresStore {
    public func createUser(name: String, timeZone: String, at created: Timestamp) async throws -> User {
        try await session { session in
            let rows = try await session.rows(
                """
                INSERT INTO users (name, time_zone, created_ms) VALUES (\(name), \(timeZone), \(created.millisecondsSinceEpoch))
                RETURNING id
                """)
            guard let row = rows.first else { throw CorruptRow(table: "users") }
            return User(id: try row.decode(Int64.self), name: name, timeZone: timeZone, created: created)
        }
    }

    public func users() async throws -> [User] {
        try await session { session in
            // COLLATE "C" orders by code point, as SQLite does, whatever the database's locale.
            try await session.rows("SELECT id, name, time_zone, created_ms FROM users ORDER BY name COLLATE \"C\"").map(Self.user(from:))
        }
    }

    public func user(named name: String) async throws -> User? {
        try await session { session in
            try await session.rows("SELECT id, name, time_zone, created_ms FROM users WHERE name = \(name)").first.map(Self.user(from:))
        }
    }

    public func deleteUser(id: Int64) async throws -> Bool {
        defer { principals.removeAll() }
        return try await transaction { session in
            // Counted by name, not by id: no foreign key cascades them.
            try await session.run("DELETE FROM sign_in_failures WHERE account = (SELECT name FROM users WHERE id = \(id))")
            return !(try await session.rows("DELETE FROM users WHERE id = \(id) RETURNING id").isEmpty)
        }
    }

    public func setTimeZone(userID: Int64, timeZone: String) async throws -> Bool {
        defer { principals.removeAll() }
        return try await session { session in
            !(try await session.rows("UPDATE users SET time_zone = \(timeZone) WHERE id = \(userID) RETURNING id").isEmpty)
        }
    }

    static func user(from row: PostgresRow) throws -> User {
        let (id, name, timeZone, created) = try row.decode((Int64, String, String, Int64).self)
        return User(id: id, name: name, timeZone: timeZone, created: Timestamp(millisecondsSinceEpoch: created))
    }
}

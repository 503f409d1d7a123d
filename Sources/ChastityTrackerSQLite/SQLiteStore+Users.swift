public import ChastityTrackerDomain

extension SQLiteStore {
    public func createUser(name: String, timeZone: String, at created: Timestamp) async throws -> User {
        try await write { connection in
            try connection.query(
                "INSERT INTO users (name, time_zone, created_ms) VALUES (?, ?, ?)",
                [.text(name), .text(timeZone), .integer(created.millisecondsSinceEpoch)]
            )
            return User(id: connection.lastInsertID, name: name, timeZone: timeZone, created: created)
        }
    }

    public func users() async throws -> [User] {
        try read { connection in
            var users: [User] = []
            try connection.query("SELECT id, name, time_zone, created_ms FROM users ORDER BY name") { users.append(Self.user(from: $0)) }
            return users
        }
    }

    public func user(named name: String) async throws -> User? {
        try read { connection in
            try connection.first("SELECT id, name, time_zone, created_ms FROM users WHERE name = ?", [.text(name)], Self.user(from:))
        }
    }

    public func deleteUser(id: Int64) async throws -> Bool {
        try await write { connection in
            // Counted by name, not by id: no foreign key cascades them.
            try connection.query("DELETE FROM sign_in_failures WHERE account = (SELECT name FROM users WHERE id = ?)", [.integer(id)])
            try connection.query("DELETE FROM users WHERE id = ?", [.integer(id)])
            return connection.changes > 0
        }
    }

    public func setTimeZone(userID: Int64, timeZone: String) async throws -> Bool {
        try await write { connection in
            try connection.query("UPDATE users SET time_zone = ? WHERE id = ?", [.text(timeZone), .integer(userID)])
            return connection.changes > 0
        }
    }

    static func user(from row: SQLiteRow) -> User {
        User(id: row.integer(0), name: row.text(1), timeZone: row.text(2), created: Timestamp(millisecondsSinceEpoch: row.integer(3)))
    }
}

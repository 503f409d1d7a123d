/// The schema, as numbered steps applied in order and never edited once shipped.
enum SQLiteMigrations {
    static let all: [(version: Int, sql: String)] = [
        (1, """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            time_zone TEXT NOT NULL,
            created_ms INTEGER NOT NULL
        );
        CREATE TABLE tokens (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            permission TEXT NOT NULL CHECK (permission IN ('read', 'write')),
            hash TEXT NOT NULL UNIQUE,
            created_ms INTEGER NOT NULL,
            last_used_ms INTEGER,
            revoked_ms INTEGER
        );
        CREATE INDEX tokens_user ON tokens (user_id);
        CREATE TABLE orgasms (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            date TEXT NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('full', 'ruined', 'milking', 'dom', 'ted')),
            public INTEGER NOT NULL CHECK (public IN (0, 1)),
            type TEXT,
            grantedby TEXT,
            inserted_ms INTEGER NOT NULL,
            CHECK (mode <> 'dom' OR (public = 0 AND grantedby IS NULL))
        );
        CREATE INDEX orgasms_owner_date_id ON orgasms (user_id, date DESC, id DESC);
        """),
        (2, """
        CREATE TABLE idempotency_keys (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            status INTEGER,
            body TEXT,
            location TEXT,
            PRIMARY KEY (user_id, key)
        );
        CREATE INDEX idempotency_keys_created ON idempotency_keys (created_ms);
        """),
        // A list page reads every column of its rows from the index alone (no lookup into the
        // table per row), and the filtered counts are answered from it too.
        (3, """
        CREATE INDEX orgasms_owner_page ON orgasms (user_id, date DESC, id DESC, mode, public, type, grantedby, inserted_ms);
        DROP INDEX orgasms_owner_date_id;
        """),
    ]
}

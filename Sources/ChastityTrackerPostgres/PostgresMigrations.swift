/// The schema, as numbered steps applied in order and never edited once shipped. Each step is a
/// list of statements because the extended query protocol runs one statement at a time.
enum PostgresMigrations {
    static let all: [(version: Int, statements: [String])] = [
        (1, [
            """
            CREATE TABLE users (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                time_zone TEXT NOT NULL,
                created_ms BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE tokens (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                label TEXT NOT NULL,
                permission TEXT NOT NULL CHECK (permission IN ('read', 'write')),
                hash TEXT NOT NULL UNIQUE,
                created_ms BIGINT NOT NULL,
                last_used_ms BIGINT,
                revoked_ms BIGINT
            )
            """,
            "CREATE INDEX tokens_user ON tokens (user_id)",
            """
            CREATE TABLE orgasms (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                date DATE NOT NULL,
                mode TEXT NOT NULL CHECK (mode IN ('full', 'ruined', 'milking', 'dom', 'ted')),
                public BOOLEAN NOT NULL,
                type VARCHAR(100),
                grantedby VARCHAR(50),
                inserted_ms BIGINT NOT NULL,
                CONSTRAINT orgasms_dom_is_private CHECK (mode <> 'dom' OR (NOT public AND grantedby IS NULL))
            )
            """,
            "CREATE INDEX orgasms_owner_date_id ON orgasms (user_id, date DESC, id DESC)",
        ]),
        (2, [
            """
            CREATE TABLE idempotency_keys (
                user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                request_hash TEXT NOT NULL,
                created_ms BIGINT NOT NULL,
                status INTEGER,
                body TEXT,
                location TEXT,
                PRIMARY KEY (user_id, key)
            )
            """,
            "CREATE INDEX idempotency_keys_created ON idempotency_keys (created_ms)",
        ]),
        // Export pages through a user's records by id: with this index each page is a range
        // scan, where the list index (ordered by date) needed a sort of all the user's records
        // per page, or the primary key a walk past every other user's records.
        (4, [
            "CREATE INDEX orgasms_owner_id ON orgasms (user_id, id)",
        ]),
    ]
}

/// The schema, as numbered steps applied in order and never edited once shipped.
enum SQLiteMigrations {
    static let all: [(version: Int, sql: String)] = [
        (
            1,
            """
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
            """
        ),
        (
            2,
            """
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
            """
        ),
        // A list page reads every column of its rows from the index alone (no lookup into the
        // table per row), and the filtered counts are answered from it too.
        (
            3,
            """
            CREATE INDEX orgasms_owner_page ON orgasms (user_id, date DESC, id DESC, mode, public, type, grantedby, inserted_ms);
            DROP INDEX orgasms_owner_date_id;
            """
        ),
        // Each user's number of records, kept by triggers in the writing transaction, so an
        // unfiltered list's total is one row read instead of a count over all of the user's
        // records (20,000 index entries for the heaviest user of the benchmark).
        (
            4,
            """
            CREATE TABLE orgasm_totals (
                user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                total INTEGER NOT NULL CHECK (total >= 0)
            );
            INSERT INTO orgasm_totals (user_id, total) SELECT user_id, count(*) FROM orgasms GROUP BY user_id;
            CREATE TRIGGER orgasm_totals_insert AFTER INSERT ON orgasms BEGIN
                INSERT INTO orgasm_totals (user_id, total) VALUES (NEW.user_id, 1)
                ON CONFLICT (user_id) DO UPDATE SET total = total + 1;
            END;
            CREATE TRIGGER orgasm_totals_delete AFTER DELETE ON orgasms BEGIN
                UPDATE orgasm_totals SET total = total - 1 WHERE user_id = OLD.user_id;
            END;
            CREATE TRIGGER orgasm_totals_move AFTER UPDATE OF user_id ON orgasms WHEN NEW.user_id <> OLD.user_id BEGIN
                UPDATE orgasm_totals SET total = total - 1 WHERE user_id = OLD.user_id;
                INSERT INTO orgasm_totals (user_id, total) VALUES (NEW.user_id, 1)
                ON CONFLICT (user_id) DO UPDATE SET total = total + 1;
            END;
            """
        ),
        // Export pages through a user's records by id. An index on user_id holds the rowid
        // after it, so it is the (user_id, id) order: each page is a range search, where the
        // list index (ordered by date) needed a sort of all the user's records per page.
        (
            5,
            """
            CREATE INDEX orgasms_owner_id ON orgasms (user_id);
            """
        ),
        // The account pages: a password hash per user, sessions kept by the hash of their id
        // (several instances share them; deleting a user ends theirs), and failed sign-ins per
        // account name, known or not, so that every instance throttles the same.
        (
            6,
            """
            ALTER TABLE users ADD COLUMN password_hash TEXT;
            CREATE TABLE sessions (
                hash TEXT PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_ms INTEGER NOT NULL,
                last_seen_ms INTEGER NOT NULL
            );
            CREATE INDEX sessions_user ON sessions (user_id);
            CREATE TABLE sign_in_failures (
                account TEXT PRIMARY KEY,
                failures INTEGER NOT NULL CHECK (failures > 0),
                last_failure_ms INTEGER NOT NULL
            );
            """
        ),
        // Keys the server keeps for itself, shared by every process on the database and kept
        // across restarts: the device cookies' signing key.
        (
            7,
            """
            CREATE TABLE server_keys (
                name TEXT PRIMARY KEY,
                key TEXT NOT NULL
            );
            """
        ),
        // The changes feed (docs/CONTRACT.md section 13): a feed per user (its random epoch, its
        // state, and the latest state of a deletion it has forgotten), made with the user by a
        // trigger (so a restored user starts a new epoch); each item's sequences of creation and
        // last change (0 for the items from before the feed), read in change order by an index;
        // and a tombstone per deleted item.
        (
            8,
            """
            CREATE TABLE change_feeds (
                user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                epoch TEXT NOT NULL,
                state INTEGER NOT NULL DEFAULT 0,
                forgotten INTEGER NOT NULL DEFAULT 0
            );
            INSERT INTO change_feeds (user_id, epoch) SELECT id, lower(hex(randomblob(8))) FROM users;
            CREATE TRIGGER change_feeds_start AFTER INSERT ON users BEGIN
                INSERT INTO change_feeds (user_id, epoch) VALUES (NEW.id, lower(hex(randomblob(8))));
            END;
            ALTER TABLE orgasms ADD COLUMN created_state INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE orgasms ADD COLUMN changed_state INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX orgasms_changes ON orgasms (user_id, changed_state);
            CREATE TABLE tombstones (
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                destroyed_state INTEGER NOT NULL,
                id INTEGER NOT NULL,
                created_state INTEGER NOT NULL,
                destroyed_ms INTEGER NOT NULL,
                PRIMARY KEY (user_id, destroyed_state)
            ) WITHOUT ROWID;
            CREATE INDEX tombstones_age ON tombstones (destroyed_ms);
            """
        ),
        // Webhooks and their outbox (docs/CONTRACT.md section 14): a webhook remembers the state
        // its last change message carried (`notified`), so a user's moved state is an event to send
        // with no write of its own on the write path; a message keeps its `webhook-id` and body for
        // every attempt, and at most one change message per webhook waits at a time.
        (
            9,
            """
            CREATE TABLE webhooks (
                id INTEGER PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                url TEXT NOT NULL,
                secret TEXT NOT NULL,
                created_ms INTEGER NOT NULL,
                notified TEXT NOT NULL,
                disabled_ms INTEGER,
                disabled_reason TEXT,
                last_attempt_ms INTEGER,
                last_status INTEGER,
                last_error TEXT,
                last_success_ms INTEGER
            );
            CREATE INDEX webhooks_user ON webhooks (user_id);
            CREATE TABLE webhook_messages (
                id INTEGER PRIMARY KEY,
                webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
                message_id TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('changed', 'test', 'redelivery')),
                body TEXT NOT NULL,
                created_ms INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_ms INTEGER NOT NULL,
                lease_until_ms INTEGER NOT NULL DEFAULT 0,
                finished_ms INTEGER,
                last_status INTEGER,
                last_error TEXT
            );
            CREATE INDEX webhook_messages_due ON webhook_messages (next_attempt_ms) WHERE finished_ms IS NULL;
            CREATE UNIQUE INDEX webhook_messages_waiting ON webhook_messages (webhook_id) WHERE kind = 'changed' AND finished_ms IS NULL;
            CREATE INDEX webhook_messages_webhook ON webhook_messages (webhook_id, id);
            """
        ),
        // OAuth clients the operator registers (docs/CONTRACT.md section 15): public clients, so
        // no secret; their redirect URIs one per line, exactly as registered.
        (
            10,
            """
            CREATE TABLE oauth_clients (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                redirect_uris TEXT NOT NULL,
                created_ms INTEGER NOT NULL
            );
            """
        ),
        // OAuth's grants, codes and refresh tokens (docs/CONTRACT.md section 15), codes and
        // refresh tokens by hash only; a grant's access tokens are tokens rows with the grant and
        // an expiry, and go with the grant.
        (
            11,
            """
            CREATE TABLE oauth_grants (
                id INTEGER PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                client_id TEXT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
                scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
                created_ms INTEGER NOT NULL,
                revoked_ms INTEGER
            );
            CREATE INDEX oauth_grants_user ON oauth_grants (user_id);
            CREATE INDEX oauth_grants_client ON oauth_grants (client_id);
            CREATE TABLE oauth_codes (
                hash TEXT PRIMARY KEY,
                client_id TEXT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                redirect_uri TEXT NOT NULL,
                scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
                challenge TEXT NOT NULL,
                created_ms INTEGER NOT NULL,
                expires_ms INTEGER NOT NULL,
                used_ms INTEGER,
                grant_id INTEGER REFERENCES oauth_grants(id) ON DELETE SET NULL
            );
            CREATE TABLE oauth_refresh_tokens (
                hash TEXT PRIMARY KEY,
                grant_id INTEGER NOT NULL REFERENCES oauth_grants(id) ON DELETE CASCADE,
                created_ms INTEGER NOT NULL,
                used_ms INTEGER
            );
            CREATE INDEX oauth_refresh_tokens_grant ON oauth_refresh_tokens (grant_id);
            ALTER TABLE tokens ADD COLUMN grant_id INTEGER REFERENCES oauth_grants(id) ON DELETE CASCADE;
            ALTER TABLE tokens ADD COLUMN expires_ms INTEGER;
            CREATE INDEX tokens_grant ON tokens (grant_id) WHERE grant_id IS NOT NULL;
            """
        ),
        // Authorization requests waiting for the person's decision (docs/CONTRACT.md section 15),
        // by the hash of their id; the consent page and the sign-in carry only the id.
        (
            12,
            """
            CREATE TABLE oauth_pending (
                hash TEXT PRIMARY KEY,
                client_id TEXT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
                redirect_uri TEXT NOT NULL,
                scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
                state TEXT,
                challenge TEXT NOT NULL,
                created_ms INTEGER NOT NULL,
                expires_ms INTEGER NOT NULL
            );
            CREATE INDEX oauth_pending_expires ON oauth_pending (expires_ms);
            CREATE INDEX oauth_codes_expires ON oauth_codes (expires_ms);
            """
        ),
    ]
}

extension SQLiteStore {
    /// The newest migration this code applies when it opens a database.
    public static var currentSchemaVersion: Int { SQLiteMigrations.all.last?.version ?? 0 }
}

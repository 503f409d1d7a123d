/// The schema, as numbered steps applied in order and never edited once shipped. Each step is a
/// list of statements because the extended query protocol runs one statement at a time.
enum PostgresMigrations {
    static let all: [(version: Int, statements: [String])] = [
        (
            1,
            [
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
            ]
        ),
        (
            2,
            [
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
            ]
        ),
        // Each user's number of records, kept in the transaction of every insert and delete (by
        // triggers, so restores, cascades and other writers are counted too): the record quota
        // is checked against it under its row lock, exact across instances. The table lock
        // keeps writers out until the totals are initialised and the triggers are in place.
        (
            3,
            [
                "LOCK TABLE orgasms IN SHARE ROW EXCLUSIVE MODE",
                """
                CREATE TABLE orgasm_totals (
                    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                    total BIGINT NOT NULL CHECK (total >= 0)
                )
                """,
                "INSERT INTO orgasm_totals (user_id, total) SELECT user_id, count(*) FROM orgasms GROUP BY user_id",
                """
                CREATE FUNCTION orgasm_totals_insert() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO orgasm_totals (user_id, total)
                    SELECT user_id, count(*) FROM inserted_rows GROUP BY user_id
                    ON CONFLICT (user_id) DO UPDATE SET total = orgasm_totals.total + EXCLUDED.total;
                    RETURN NULL;
                END
                $$
                """,
                """
                CREATE TRIGGER orgasm_totals_insert AFTER INSERT ON orgasms
                REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION orgasm_totals_insert()
                """,
                """
                CREATE FUNCTION orgasm_totals_delete() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE orgasm_totals SET total = orgasm_totals.total - deleted.n
                    FROM (SELECT user_id, count(*) AS n FROM deleted_rows GROUP BY user_id) AS deleted
                    WHERE orgasm_totals.user_id = deleted.user_id;
                    RETURN NULL;
                END
                $$
                """,
                """
                CREATE TRIGGER orgasm_totals_delete AFTER DELETE ON orgasms
                REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION orgasm_totals_delete()
                """,
                """
                CREATE FUNCTION orgasm_totals_move() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE orgasm_totals SET total = total - 1 WHERE user_id = OLD.user_id;
                    INSERT INTO orgasm_totals (user_id, total) VALUES (NEW.user_id, 1)
                    ON CONFLICT (user_id) DO UPDATE SET total = orgasm_totals.total + 1;
                    RETURN NULL;
                END
                $$
                """,
                """
                CREATE TRIGGER orgasm_totals_move AFTER UPDATE OF user_id ON orgasms
                FOR EACH ROW WHEN (OLD.user_id <> NEW.user_id) EXECUTE FUNCTION orgasm_totals_move()
                """,
            ]
        ),
        // Export pages through a user's records by id: with this index each page is a range
        // scan, where the list index (ordered by date) needed a sort of all the user's records
        // per page, or the primary key a walk past every other user's records.
        (
            4,
            [
                "CREATE INDEX orgasms_owner_id ON orgasms (user_id, id)"
            ]
        ),
        // The account pages: a password hash per user, sessions kept by the hash of their id
        // (several instances share them; deleting a user ends theirs), and failed sign-ins per
        // account name, known or not, so that every instance throttles the same.
        (
            5,
            [
                "ALTER TABLE users ADD COLUMN password_hash TEXT",
                """
                CREATE TABLE sessions (
                    hash TEXT PRIMARY KEY,
                    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    created_ms BIGINT NOT NULL,
                    last_seen_ms BIGINT NOT NULL
                )
                """,
                "CREATE INDEX sessions_user ON sessions (user_id)",
                """
                CREATE TABLE sign_in_failures (
                    account TEXT PRIMARY KEY,
                    failures INTEGER NOT NULL CHECK (failures > 0),
                    last_failure_ms BIGINT NOT NULL
                )
                """,
            ]
        ),
        // A list page reads every column of its rows from the index alone (an index-only scan:
        // no visit to the table per row once the visibility map is set), and the filtered counts
        // are answered from it too; it replaces the list index of migration 1. The unfiltered
        // total comes from orgasm_totals (migration 3).
        (
            6,
            [
                """
                CREATE INDEX orgasms_owner_page ON orgasms (user_id, date DESC, id DESC)
                INCLUDE (mode, public, type, grantedby, inserted_ms)
                """,
                "DROP INDEX orgasms_owner_date_id",
            ]
        ),
        // Every change to what a token's lookup returns (a token revoked, regenerated, moved or
        // deleted; a user's time zone changed or the user deleted), made by any instance, the
        // command line or by hand, notifies the channel ct_principals at its commit, so every
        // instance empties its PrincipalCache at once. `last used` writes do not notify.
        (
            7,
            [
                """
                CREATE FUNCTION ct_notify_principals() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('\(PrincipalCache.channel)', '');
                    RETURN NULL;
                END
                $$
                """,
                """
                CREATE TRIGGER tokens_notify_principals
                AFTER UPDATE OF hash, revoked_ms, permission, user_id OR DELETE ON tokens
                FOR EACH STATEMENT EXECUTE FUNCTION ct_notify_principals()
                """,
                """
                CREATE TRIGGER users_notify_principals
                AFTER UPDATE OF time_zone OR DELETE ON users
                FOR EACH STATEMENT EXECUTE FUNCTION ct_notify_principals()
                """,
            ]
        ),
        // Keys the server keeps for itself, shared by every instance and kept across restarts:
        // the device cookies' signing key.
        (
            8,
            [
                """
                CREATE TABLE server_keys (
                    name TEXT PRIMARY KEY,
                    key TEXT NOT NULL
                )
                """
            ]
        ),
        // The changes feed (docs/CONTRACT.md section 13). A user's state lives in the totals row
        // (migration 3) that every write of the user's items already updates or locks, so a write
        // moves it under that row's lock, in commit order; the feed's random epoch and the latest
        // state of a deletion it has forgotten live beside it, made with the user by a trigger
        // (a restored user starts a new epoch). Each item keeps the sequences of its creation and
        // last change (0 for the items from before the feed), read in change order by an index;
        // a deleted item leaves a tombstone.
        (
            9,
            [
                "ALTER TABLE orgasm_totals ADD COLUMN state BIGINT NOT NULL DEFAULT 0",
                """
                CREATE TABLE change_feeds (
                    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                    epoch TEXT NOT NULL,
                    forgotten BIGINT NOT NULL DEFAULT 0
                )
                """,
                "INSERT INTO change_feeds (user_id, epoch) SELECT id, substr(md5(random()::text || clock_timestamp()::text || id::text), 1, 16) FROM users",
                """
                CREATE FUNCTION change_feeds_start() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO change_feeds (user_id, epoch) VALUES (NEW.id, substr(md5(random()::text || clock_timestamp()::text || NEW.id::text), 1, 16));
                    RETURN NULL;
                END
                $$
                """,
                "CREATE TRIGGER change_feeds_start AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION change_feeds_start()",
                "ALTER TABLE orgasms ADD COLUMN created_state BIGINT NOT NULL DEFAULT 0, ADD COLUMN changed_state BIGINT NOT NULL DEFAULT 0",
                "CREATE INDEX orgasms_changes ON orgasms (user_id, changed_state)",
                """
                CREATE TABLE tombstones (
                    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    destroyed_state BIGINT NOT NULL,
                    id BIGINT NOT NULL,
                    created_state BIGINT NOT NULL,
                    destroyed_ms BIGINT NOT NULL,
                    PRIMARY KEY (user_id, destroyed_state)
                )
                """,
                "CREATE INDEX tombstones_age ON tombstones (destroyed_ms)",
            ]
        ),
        // Webhooks and their outbox (docs/CONTRACT.md section 14): a webhook remembers the state
        // its last change message carried (`notified`), so a user's moved state is an event to send
        // with no write of its own on the write path; a message keeps its `webhook-id` and body for
        // every attempt, and at most one change message per webhook waits at a time. Instances
        // claim due messages with `FOR UPDATE SKIP LOCKED` and a lease.
        (
            10,
            [
                """
                CREATE TABLE webhooks (
                    id BIGSERIAL PRIMARY KEY,
                    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    url TEXT NOT NULL,
                    secret TEXT NOT NULL,
                    created_ms BIGINT NOT NULL,
                    notified TEXT NOT NULL,
                    disabled_ms BIGINT,
                    disabled_reason TEXT,
                    last_attempt_ms BIGINT,
                    last_status INTEGER,
                    last_error TEXT,
                    last_success_ms BIGINT
                )
                """,
                "CREATE INDEX webhooks_user ON webhooks (user_id)",
                """
                CREATE TABLE webhook_messages (
                    id BIGSERIAL PRIMARY KEY,
                    webhook_id BIGINT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
                    message_id TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('changed', 'test', 'redelivery')),
                    body TEXT NOT NULL,
                    created_ms BIGINT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_ms BIGINT NOT NULL,
                    lease_until_ms BIGINT NOT NULL DEFAULT 0,
                    finished_ms BIGINT,
                    last_status INTEGER,
                    last_error TEXT
                )
                """,
                "CREATE INDEX webhook_messages_due ON webhook_messages (next_attempt_ms) WHERE finished_ms IS NULL",
                "CREATE UNIQUE INDEX webhook_messages_waiting ON webhook_messages (webhook_id) WHERE kind = 'changed' AND finished_ms IS NULL",
                "CREATE INDEX webhook_messages_webhook ON webhook_messages (webhook_id, id)",
            ]
        ),
        // OAuth clients the operator registers (docs/CONTRACT.md section 15): public clients, so
        // no secret; their redirect URIs one per line, exactly as registered.
        (
            11,
            [
                """
                CREATE TABLE oauth_clients (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    redirect_uris TEXT NOT NULL,
                    created_ms BIGINT NOT NULL
                )
                """
            ]
        ),
        // OAuth's grants, codes and refresh tokens (docs/CONTRACT.md section 15), codes and
        // refresh tokens by hash only; a grant's access tokens are tokens rows with the grant and
        // an expiry, and go with the grant.
        (
            12,
            [
                """
                CREATE TABLE oauth_grants (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    client_id TEXT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
                    scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
                    created_ms BIGINT NOT NULL,
                    revoked_ms BIGINT
                )
                """,
                "CREATE INDEX oauth_grants_user ON oauth_grants (user_id)",
                "CREATE INDEX oauth_grants_client ON oauth_grants (client_id)",
                """
                CREATE TABLE oauth_codes (
                    hash TEXT PRIMARY KEY,
                    client_id TEXT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
                    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    redirect_uri TEXT NOT NULL,
                    scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
                    challenge TEXT NOT NULL,
                    created_ms BIGINT NOT NULL,
                    expires_ms BIGINT NOT NULL,
                    used_ms BIGINT,
                    grant_id BIGINT REFERENCES oauth_grants(id) ON DELETE SET NULL
                )
                """,
                """
                CREATE TABLE oauth_refresh_tokens (
                    hash TEXT PRIMARY KEY,
                    grant_id BIGINT NOT NULL REFERENCES oauth_grants(id) ON DELETE CASCADE,
                    created_ms BIGINT NOT NULL,
                    used_ms BIGINT
                )
                """,
                "CREATE INDEX oauth_refresh_tokens_grant ON oauth_refresh_tokens (grant_id)",
                "ALTER TABLE tokens ADD COLUMN grant_id BIGINT REFERENCES oauth_grants(id) ON DELETE CASCADE, ADD COLUMN expires_ms BIGINT",
                "CREATE INDEX tokens_grant ON tokens (grant_id) WHERE grant_id IS NOT NULL",
            ]
        ),
        // Authorization requests waiting for the person's decision (docs/CONTRACT.md section 15),
        // by the hash of their id; the consent page and the sign-in carry only the id.
        (
            13,
            [
                """
                CREATE TABLE oauth_pending (
                    hash TEXT PRIMARY KEY,
                    client_id TEXT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
                    redirect_uri TEXT NOT NULL,
                    scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
                    state TEXT,
                    challenge TEXT NOT NULL,
                    created_ms BIGINT NOT NULL,
                    expires_ms BIGINT NOT NULL
                )
                """,
                "CREATE INDEX oauth_pending_expires ON oauth_pending (expires_ms)",
                "CREATE INDEX oauth_codes_expires ON oauth_codes (expires_ms)",
            ]
        ),
    ]
}

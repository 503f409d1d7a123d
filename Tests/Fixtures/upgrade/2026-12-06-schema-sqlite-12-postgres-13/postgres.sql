--
-- PostgreSQL database dump
--

\restrict AOoWu7Y65kewyUTwvHvRE6jxVe8Q81SkWLhdl7tcoXk5BANCe7wFul9usZPUwo9

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: change_feeds_start(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.change_feeds_start() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO change_feeds (user_id, epoch) VALUES (NEW.id, substr(md5(random()::text || clock_timestamp()::text || NEW.id::text), 1, 16));
    RETURN NULL;
END
$$;


--
-- Name: ct_notify_principals(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.ct_notify_principals() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM pg_notify('ct_principals', '');
    RETURN NULL;
END
$$;


--
-- Name: orgasm_totals_delete(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.orgasm_totals_delete() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE orgasm_totals SET total = orgasm_totals.total - deleted.n
    FROM (SELECT user_id, count(*) AS n FROM deleted_rows GROUP BY user_id) AS deleted
    WHERE orgasm_totals.user_id = deleted.user_id;
    RETURN NULL;
END
$$;


--
-- Name: orgasm_totals_insert(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.orgasm_totals_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO orgasm_totals (user_id, total)
    SELECT user_id, count(*) FROM inserted_rows GROUP BY user_id
    ON CONFLICT (user_id) DO UPDATE SET total = orgasm_totals.total + EXCLUDED.total;
    RETURN NULL;
END
$$;


--
-- Name: orgasm_totals_move(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.orgasm_totals_move() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE orgasm_totals SET total = total - 1 WHERE user_id = OLD.user_id;
    INSERT INTO orgasm_totals (user_id, total) VALUES (NEW.user_id, 1)
    ON CONFLICT (user_id) DO UPDATE SET total = orgasm_totals.total + 1;
    RETURN NULL;
END
$$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: change_feeds; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.change_feeds (
    user_id bigint NOT NULL,
    epoch text NOT NULL,
    forgotten bigint DEFAULT 0 NOT NULL
);


--
-- Name: idempotency_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.idempotency_keys (
    user_id bigint NOT NULL,
    key text NOT NULL,
    request_hash text NOT NULL,
    created_ms bigint NOT NULL,
    status integer,
    body text,
    location text
);


--
-- Name: oauth_clients; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.oauth_clients (
    id text NOT NULL,
    name text NOT NULL,
    redirect_uris text NOT NULL,
    created_ms bigint NOT NULL
);


--
-- Name: oauth_codes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.oauth_codes (
    hash text NOT NULL,
    client_id text NOT NULL,
    user_id bigint NOT NULL,
    redirect_uri text NOT NULL,
    scope text NOT NULL,
    challenge text NOT NULL,
    created_ms bigint NOT NULL,
    expires_ms bigint NOT NULL,
    used_ms bigint,
    grant_id bigint,
    CONSTRAINT oauth_codes_scope_check CHECK ((scope = ANY (ARRAY['read'::text, 'write'::text])))
);


--
-- Name: oauth_grants; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.oauth_grants (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    client_id text NOT NULL,
    scope text NOT NULL,
    created_ms bigint NOT NULL,
    revoked_ms bigint,
    CONSTRAINT oauth_grants_scope_check CHECK ((scope = ANY (ARRAY['read'::text, 'write'::text])))
);


--
-- Name: oauth_grants_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.oauth_grants ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.oauth_grants_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: oauth_pending; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.oauth_pending (
    hash text NOT NULL,
    client_id text NOT NULL,
    redirect_uri text NOT NULL,
    scope text NOT NULL,
    state text,
    challenge text NOT NULL,
    created_ms bigint NOT NULL,
    expires_ms bigint NOT NULL,
    CONSTRAINT oauth_pending_scope_check CHECK ((scope = ANY (ARRAY['read'::text, 'write'::text])))
);


--
-- Name: oauth_refresh_tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.oauth_refresh_tokens (
    hash text NOT NULL,
    grant_id bigint NOT NULL,
    created_ms bigint NOT NULL,
    used_ms bigint
);


--
-- Name: orgasm_totals; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.orgasm_totals (
    user_id bigint NOT NULL,
    total bigint NOT NULL,
    state bigint DEFAULT 0 NOT NULL,
    CONSTRAINT orgasm_totals_total_check CHECK ((total >= 0))
);


--
-- Name: orgasms; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.orgasms (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    date date NOT NULL,
    mode text NOT NULL,
    public boolean NOT NULL,
    type character varying(100),
    grantedby character varying(50),
    inserted_ms bigint NOT NULL,
    created_state bigint DEFAULT 0 NOT NULL,
    changed_state bigint DEFAULT 0 NOT NULL,
    CONSTRAINT orgasms_dom_is_private CHECK (((mode <> 'dom'::text) OR ((NOT public) AND (grantedby IS NULL)))),
    CONSTRAINT orgasms_mode_check CHECK ((mode = ANY (ARRAY['full'::text, 'ruined'::text, 'milking'::text, 'dom'::text, 'ted'::text])))
);


--
-- Name: orgasms_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.orgasms ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.orgasms_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version integer NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: server_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.server_keys (
    name text NOT NULL,
    key text NOT NULL
);


--
-- Name: sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sessions (
    hash text NOT NULL,
    user_id bigint NOT NULL,
    created_ms bigint NOT NULL,
    last_seen_ms bigint NOT NULL
);


--
-- Name: sign_in_failures; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sign_in_failures (
    account text NOT NULL,
    failures integer NOT NULL,
    last_failure_ms bigint NOT NULL,
    CONSTRAINT sign_in_failures_failures_check CHECK ((failures > 0))
);


--
-- Name: tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tokens (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    label text NOT NULL,
    permission text NOT NULL,
    hash text NOT NULL,
    created_ms bigint NOT NULL,
    last_used_ms bigint,
    revoked_ms bigint,
    grant_id bigint,
    expires_ms bigint,
    CONSTRAINT tokens_permission_check CHECK ((permission = ANY (ARRAY['read'::text, 'write'::text])))
);


--
-- Name: tokens_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.tokens ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.tokens_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: tombstones; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tombstones (
    user_id bigint NOT NULL,
    destroyed_state bigint NOT NULL,
    id bigint NOT NULL,
    created_state bigint NOT NULL,
    destroyed_ms bigint NOT NULL
);


--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    id bigint NOT NULL,
    name text NOT NULL,
    time_zone text NOT NULL,
    created_ms bigint NOT NULL,
    password_hash text
);


--
-- Name: users_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.users ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: webhook_messages; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.webhook_messages (
    id bigint NOT NULL,
    webhook_id bigint NOT NULL,
    message_id text NOT NULL,
    kind text NOT NULL,
    body text NOT NULL,
    created_ms bigint NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_ms bigint NOT NULL,
    lease_until_ms bigint DEFAULT 0 NOT NULL,
    finished_ms bigint,
    last_status integer,
    last_error text,
    CONSTRAINT webhook_messages_kind_check CHECK ((kind = ANY (ARRAY['changed'::text, 'test'::text, 'redelivery'::text])))
);


--
-- Name: webhook_messages_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.webhook_messages_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: webhook_messages_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.webhook_messages_id_seq OWNED BY public.webhook_messages.id;


--
-- Name: webhooks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.webhooks (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    url text NOT NULL,
    secret text NOT NULL,
    created_ms bigint NOT NULL,
    notified text NOT NULL,
    disabled_ms bigint,
    disabled_reason text,
    last_attempt_ms bigint,
    last_status integer,
    last_error text,
    last_success_ms bigint
);


--
-- Name: webhooks_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.webhooks_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: webhooks_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.webhooks_id_seq OWNED BY public.webhooks.id;


--
-- Name: webhook_messages id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_messages ALTER COLUMN id SET DEFAULT nextval('public.webhook_messages_id_seq'::regclass);


--
-- Name: webhooks id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhooks ALTER COLUMN id SET DEFAULT nextval('public.webhooks_id_seq'::regclass);


--
-- Data for Name: change_feeds; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.change_feeds (user_id, epoch, forgotten) FROM stdin;
1	7b0c2b0e6aab5eaf	0
\.


--
-- Data for Name: idempotency_keys; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.idempotency_keys (user_id, key, request_hash, created_ms, status, body, location) FROM stdin;
\.


--
-- Data for Name: oauth_clients; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.oauth_clients (id, name, redirect_uris, created_ms) FROM stdin;
ctc_qMYUvSKM4b8kEcUErzdUFH	Fixture App	http://127.0.0.1/callback	1796595523909
\.


--
-- Data for Name: oauth_codes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.oauth_codes (hash, client_id, user_id, redirect_uri, scope, challenge, created_ms, expires_ms, used_ms, grant_id) FROM stdin;
\.


--
-- Data for Name: oauth_grants; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.oauth_grants (id, user_id, client_id, scope, created_ms, revoked_ms) FROM stdin;
\.


--
-- Data for Name: oauth_pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.oauth_pending (hash, client_id, redirect_uri, scope, state, challenge, created_ms, expires_ms) FROM stdin;
\.


--
-- Data for Name: oauth_refresh_tokens; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.oauth_refresh_tokens (hash, grant_id, created_ms, used_ms) FROM stdin;
\.


--
-- Data for Name: orgasm_totals; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.orgasm_totals (user_id, total, state) FROM stdin;
1	5	5
\.


--
-- Data for Name: orgasms; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.orgasms (id, user_id, date, mode, public, type, grantedby, inserted_ms, created_state, changed_state) FROM stdin;
1	1	2025-12-24	full	t	Stroke	\N	1796595523756	1	1
2	1	2026-01-01	ruined	f	\N	Mistress	1796595523756	2	2
3	1	2026-02-14	milking	f	Toy, "quoted"	K	1796595523756	3	3
4	1	2026-03-01	dom	f	\N	\N	1796595523756	4	4
5	1	2026-03-02	ted	t	ünïcödé	\N	1796595523756	5	5
\.


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.schema_migrations (version, applied_at) FROM stdin;
1	2026-12-06 22:18:42.160904+00
2	2026-12-06 22:18:42.160904+00
3	2026-12-06 22:18:42.160904+00
4	2026-12-06 22:18:42.160904+00
5	2026-12-06 22:18:42.160904+00
6	2026-12-06 22:18:42.160904+00
7	2026-12-06 22:18:42.160904+00
8	2026-12-06 22:18:42.160904+00
9	2026-12-06 22:18:42.160904+00
10	2026-12-06 22:18:42.160904+00
11	2026-12-06 22:18:42.160904+00
12	2026-12-06 22:18:42.160904+00
13	2026-12-06 22:18:42.160904+00
\.


--
-- Data for Name: server_keys; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.server_keys (name, key) FROM stdin;
\.


--
-- Data for Name: sessions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.sessions (hash, user_id, created_ms, last_seen_ms) FROM stdin;
\.


--
-- Data for Name: sign_in_failures; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.sign_in_failures (account, failures, last_failure_ms) FROM stdin;
\.


--
-- Data for Name: tokens; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.tokens (id, user_id, label, permission, hash, created_ms, last_used_ms, revoked_ms, grant_id, expires_ms) FROM stdin;
1	1	fixture	write	7981295fe1472143e86c14f1774c7c91ef5f8d79cf9db28c7929b3c1dc1e2727	1796595523588	\N	\N	\N	\N
\.


--
-- Data for Name: tombstones; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.tombstones (user_id, destroyed_state, id, created_state, destroyed_ms) FROM stdin;
\.


--
-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.users (id, name, time_zone, created_ms, password_hash) FROM stdin;
1	alice	Europe/Berlin	1796595522279	$scrypt$ln=15,r=8,p=1$vuelkV9MTlvqi3bpQmF2JQ$V/17njG9fvZc42+Je/7RoznElfFP2NtkJk/8PLxVgBk
\.


--
-- Data for Name: webhook_messages; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.webhook_messages (id, webhook_id, message_id, kind, body, created_ms, attempts, next_attempt_ms, lease_until_ms, finished_ms, last_status, last_error) FROM stdin;
\.


--
-- Data for Name: webhooks; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.webhooks (id, user_id, url, secret, created_ms, notified, disabled_ms, disabled_reason, last_attempt_ms, last_status, last_error, last_success_ms) FROM stdin;
\.


--
-- Name: oauth_grants_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.oauth_grants_id_seq', 1, false);


--
-- Name: orgasms_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.orgasms_id_seq', 5, true);


--
-- Name: tokens_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.tokens_id_seq', 1, true);


--
-- Name: users_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.users_id_seq', 1, true);


--
-- Name: webhook_messages_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.webhook_messages_id_seq', 1, false);


--
-- Name: webhooks_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.webhooks_id_seq', 1, false);


--
-- Name: change_feeds change_feeds_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.change_feeds
    ADD CONSTRAINT change_feeds_pkey PRIMARY KEY (user_id);


--
-- Name: idempotency_keys idempotency_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.idempotency_keys
    ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (user_id, key);


--
-- Name: oauth_clients oauth_clients_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.oauth_clients
    ADD CONSTRAINT oauth_clients_pkey PRIMARY KEY (id);


--
-- Name: oauth_codes oauth_codes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.oauth_codes
    ADD CONSTRAINT oauth_codes_pkey PRIMARY KEY (hash);


--
-- Name: oauth_grants oauth_grants_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.oauth_grants
    ADD CONSTRAINT oauth_grants_pkey PRIMARY KEY (id);


--
-- Name: oauth_pending oauth_pending_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.oauth_pending
    ADD CONSTRAINT oauth_pending_pkey PRIMARY KEY (hash);


--
-- Name: oauth_refresh_tokens oauth_refresh_tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.oauth_refresh_tokens
    ADD CONSTRAINT oauth_refresh_tokens_pkey PRIMARY KEY (hash);


--
-- Name: orgasm_totals orgasm_totals_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orgasm_totals
    ADD CONSTRAINT orgasm_totals_pkey PRIMARY KEY (user_id);


--
-- Name: orgasms orgasms_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orgasms
    ADD CONSTRAINT orgasms_pkey PRIMARY KEY (id);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: server_keys server_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.server_keys
    ADD CONSTRAINT server_keys_pkey PRIMARY KEY (name);


--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (hash);


--
-- Name: sign_in_failures sign_in_failures_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sign_in_failures
    ADD CONSTRAINT sign_in_failures_pkey PRIMARY KEY (account);


--
-- Name: tokens tokens_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_hash_key UNIQUE (hash);


--
-- Name: tokens tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_pkey PRIMARY KEY (id);


--
-- Name: tombstones tombstones_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tombstones
    ADD CONSTRAINT tombstones_pkey PRIMARY KEY (user_id, destroyed_state);


--
-- Name: users users_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_name_key UNIQUE (name);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: webhook_messages webhook_messages_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_messages
    ADD CONSTRAINT webhook_messages_pkey PRIMARY KEY (id);


--
-- Name: webhooks webhooks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhooks
    ADD CONSTRAINT webhooks_pkey PRIMARY KEY (id);


--
-- Name: idempotency_keys_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idempotency_keys_created ON public.idempotency_keys USING btree (created_ms);


--
-- Name: oauth_codes_expires; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX oauth_codes_expires ON public.oauth_codes USING btree (expires_ms);


--
-- Name: oauth_grants_client; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX oauth_grants_client ON public.oauth_grants USING btree (client_id);


--
-- Name: oauth_grants_user; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX oauth_grants_user ON public.oauth_grants USING btree (user_id);


--
-- Name: oauth_pending_expires; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX oauth_pending_expires ON public.oauth_pending USING btree (expires_ms);


--
-- Name: oauth_refresh_tokens_grant; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX oauth_refresh_tokens_grant ON public.oauth_refresh_tokens USING btree (grant_id);


--
-- Name: orgasms_changes; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX orgasms_changes ON public.orgasms USING btree (user_id, changed_state);


--
-- Name: orgasms_owner_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX orgasms_owner_id ON public.orgasms USING btree (user_id, id);


--
-- Name: orgasms_owner_page; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX orgasms_owner_page ON public.orgasms USING btree (user_id, date DESC, id DESC) INCLUDE (mode, public, type, grantedby, inserted_ms);


--
-- Name: sessions_user; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sessions_user ON public.sessions USING btree (user_id);


--
-- Name: tokens_grant; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tokens_grant ON public.tokens USING btree (grant_id) WHERE (grant_id IS NOT NULL);


--
-- Name: tokens_user; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tokens_user ON public.tokens USING btree (user_id);


--
-- Name: tombstones_age; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tombstones_age ON public.tombstones USING btree (destroyed_ms);


--
-- Name: webhook_messages_due; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX webhook_messages_due ON public.webhook_messages USING btree (next_attempt_ms) WHERE (finished_ms IS NULL);


--
-- Name: webhook_messages_waiting; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX webhook_messages_waiting ON public.webhook_messages USING btree (webhook_id) WHERE ((kind = 'changed'::text) AND (finished_ms IS NULL));


--
-- Name: webhook_messages_webhook; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX webhook_messages_webhook ON public.webhook_messages USING btree (webhook_id, id);


--
-- Name: webhooks_user; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX webhooks_user ON public.webhooks USING btree (user_id);


--
-- Name: users change_feeds_start; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER change_feeds_start AFTER INSERT ON public.users FOR EACH ROW EXECUTE FUNCTION public.change_feeds_start();


--
-- Name: orgasms orgasm_totals_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER orgasm_totals_delete AFTER DELETE ON public.orgasms REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION public.orgasm_totals_delete();


--
-- Name: orgasms orgasm_totals_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER orgasm_totals_insert AFTER INSERT ON public.orgasms REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION public.orgasm_totals_insert();


--
-- Name: orgasms orgasm_totals_move; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER orgasm_totals_move AFTER UPDATE OF user_id ON public.orgasms FOR EACH ROW WHEN ((old.user_id <> new.user_id)) EXECUTE FUNCTION public.orgasm_totals_move();


--
-- Name: tokens tokens_notify_principals; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tokens_notify_principals AFTER DELETE OR UPDATE OF hash, revoked_ms, permission, user_id ON public.tokens FOR EACH STATEMENT EXECUTE FUNCTION public.ct_notify_principals();


--
-- Name: users users_notify_principals; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER users_notify_principals AFTER DELETE OR UPDATE OF time_zone ON public.users FOR EACH STATEMENT EXECUTE FUNCTION public.ct_notify_principals();


--
-- Name: change_feeds change_feeds_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.change_feeds
    ADD CONSTRAINT change_feeds_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: idempotency_keys idempotency_keys_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.idempotency_keys
    ADD CONSTRAINT idempotency_keys_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: oauth_codes oauth_codes_client_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.oauth_codes
    ADD CONSTRAINT oauth_codes_client_id_fkey FOREIGN KEY (client_id) REFERENCES public.oauth_clients(id) ON DELETE CASCADE;


--
-- Name: oauth_codes oauth_codes_grant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.oauth_codes
    ADD CONSTRAINT oauth_codes_grant_id_fkey FOREIGN KEY (grant_id) REFERENCES public.oauth_grants(id) ON DELETE SET NULL;


--
-- Name: oauth_codes oauth_codes_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.oauth_codes
    ADD CONSTRAINT oauth_codes_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: oauth_grants oauth_grants_client_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.oauth_grants
    ADD CONSTRAINT oauth_grants_client_id_fkey FOREIGN KEY (client_id) REFERENCES public.oauth_clients(id) ON DELETE CASCADE;


--
-- Name: oauth_grants oauth_grants_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.oauth_grants
    ADD CONSTRAINT oauth_grants_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: oauth_pending oauth_pending_client_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.oauth_pending
    ADD CONSTRAINT oauth_pending_client_id_fkey FOREIGN KEY (client_id) REFERENCES public.oauth_clients(id) ON DELETE CASCADE;


--
-- Name: oauth_refresh_tokens oauth_refresh_tokens_grant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.oauth_refresh_tokens
    ADD CONSTRAINT oauth_refresh_tokens_grant_id_fkey FOREIGN KEY (grant_id) REFERENCES public.oauth_grants(id) ON DELETE CASCADE;


--
-- Name: orgasm_totals orgasm_totals_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orgasm_totals
    ADD CONSTRAINT orgasm_totals_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: orgasms orgasms_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orgasms
    ADD CONSTRAINT orgasms_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: sessions sessions_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: tokens tokens_grant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_grant_id_fkey FOREIGN KEY (grant_id) REFERENCES public.oauth_grants(id) ON DELETE CASCADE;


--
-- Name: tokens tokens_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: tombstones tombstones_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tombstones
    ADD CONSTRAINT tombstones_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: webhook_messages webhook_messages_webhook_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_messages
    ADD CONSTRAINT webhook_messages_webhook_id_fkey FOREIGN KEY (webhook_id) REFERENCES public.webhooks(id) ON DELETE CASCADE;


--
-- Name: webhooks webhooks_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhooks
    ADD CONSTRAINT webhooks_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--

\unrestrict AOoWu7Y65kewyUTwvHvRE6jxVe8Q81SkWLhdl7tcoXk5BANCe7wFul9usZPUwo9


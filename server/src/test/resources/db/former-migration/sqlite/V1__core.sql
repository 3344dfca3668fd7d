-- Core schema: the stream counter, tenants, accounts, rooms and events.
-- Flags are SMALLINT 0/1 and timestamps BIGINT milliseconds so the feature SQL is identical on both databases.

CREATE TABLE stream_counter (id INTEGER PRIMARY KEY, position BIGINT NOT NULL);
INSERT INTO stream_counter (id, position) VALUES (1, 0);

CREATE TABLE tenants (
    tenant_id  TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'active',
    created_ts BIGINT NOT NULL
);
CREATE TABLE tenant_domains (
    domain    TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id)
);

CREATE TABLE users (
    user_id       TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants (tenant_id),
    localpart     TEXT NOT NULL,
    password_hash TEXT,
    admin         SMALLINT NOT NULL DEFAULT 0,
    deactivated   SMALLINT NOT NULL DEFAULT 0,
    locked        SMALLINT NOT NULL DEFAULT 0,
    created_ts    BIGINT NOT NULL
);
CREATE INDEX users_tenant ON users (tenant_id, user_id);

CREATE TABLE devices (
    user_id      TEXT NOT NULL REFERENCES users (user_id),
    device_id    TEXT NOT NULL,
    display_name TEXT,
    created_ts   BIGINT NOT NULL,
    last_seen_ts BIGINT,
    last_seen_ip TEXT,
    PRIMARY KEY (user_id, device_id)
);

CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    created_ts BIGINT NOT NULL,
    FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);
CREATE INDEX access_tokens_device ON access_tokens (user_id, device_id);

CREATE TABLE rooms (
    room_id      TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (tenant_id),
    room_version TEXT NOT NULL,
    creator      TEXT NOT NULL,
    created_ts   BIGINT NOT NULL,
    published    SMALLINT NOT NULL DEFAULT 0
);

-- Every accepted event, once, in global stream order. pdu holds the full event JSON (bytes, so the
-- at-rest encryption layer can wrap it without a schema change).
CREATE TABLE events (
    stream_ordering  BIGINT PRIMARY KEY,
    event_id         TEXT NOT NULL UNIQUE,
    room_id          TEXT NOT NULL REFERENCES rooms (room_id),
    type             TEXT NOT NULL,
    state_key        TEXT,
    sender           TEXT NOT NULL,
    origin_server_ts BIGINT NOT NULL,
    depth            BIGINT NOT NULL,
    relates_to       TEXT,
    rel_type         TEXT,
    redacted_by      TEXT,
    txn_device       TEXT,
    txn_id           TEXT,
    pdu              BLOB NOT NULL
);
CREATE INDEX events_room ON events (room_id, stream_ordering);
CREATE INDEX events_room_state ON events (room_id, type, state_key, stream_ordering);
CREATE INDEX events_relations ON events (relates_to, rel_type, stream_ordering);
CREATE UNIQUE INDEX events_txn ON events (sender, txn_device, txn_id);

CREATE TABLE current_state (
    room_id         TEXT NOT NULL,
    type            TEXT NOT NULL,
    state_key       TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    stream_ordering BIGINT NOT NULL,
    PRIMARY KEY (room_id, type, state_key)
);

CREATE TABLE room_members (
    room_id         TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    membership      TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    stream_ordering BIGINT NOT NULL,
    forgotten       SMALLINT NOT NULL DEFAULT 0,
    PRIMARY KEY (room_id, user_id)
);
CREATE INDEX room_members_user ON room_members (user_id, membership);

CREATE TABLE room_aliases (
    alias      TEXT PRIMARY KEY,
    room_id    TEXT NOT NULL REFERENCES rooms (room_id),
    creator    TEXT NOT NULL,
    created_ts BIGINT NOT NULL
);
CREATE INDEX room_aliases_room ON room_aliases (room_id);

-- The server's own Ed25519 signing key (seed), generated on first start.
CREATE TABLE server_keys (
    key_id     TEXT PRIMARY KEY,
    seed       TEXT NOT NULL,
    created_ts BIGINT NOT NULL
);

-- Read receipts: one row per (room, user, type, thread); stream_ordering orders them for /sync.
CREATE TABLE receipts (
    room_id         TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    receipt_type    TEXT NOT NULL,
    thread_id       TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    ts              BIGINT NOT NULL,
    event_position  BIGINT NOT NULL,
    stream_ordering BIGINT NOT NULL,
    PRIMARY KEY (room_id, user_id, receipt_type, thread_id)
);
CREATE INDEX receipts_stream ON receipts (room_id, stream_ordering);

-- Per-user data owned by the userdata feature: profiles, account data, push rules, pushers, presence.

-- One row per local account, filled from AccountCreated; deactivated mirrors AccountDeactivated so the
-- user directory can leave such users out without reading another feature's table.
CREATE TABLE profiles (
    user_id      TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    localpart    TEXT NOT NULL,
    displayname  TEXT,
    avatar_url   TEXT,
    search_name  TEXT,
    deactivated  SMALLINT NOT NULL DEFAULT 0
);
CREATE INDEX profiles_tenant ON profiles (tenant_id, user_id);
-- Accounts created before this feature existed.
INSERT INTO profiles (user_id, tenant_id, localpart, displayname, search_name, deactivated)
    SELECT user_id, tenant_id, localpart, localpart, LOWER(localpart), deactivated FROM users;

-- Global (room_id = '') and per-room account data; stream_position orders changes for /sync.
CREATE TABLE account_data (
    user_id         TEXT NOT NULL,
    room_id         TEXT NOT NULL,
    type            TEXT NOT NULL,
    content         TEXT NOT NULL,
    stream_position BIGINT NOT NULL,
    PRIMARY KEY (user_id, room_id, type)
);
CREATE INDEX account_data_stream ON account_data (user_id, stream_position);

-- Rules the user defined; priority ascending = most important first within (user, kind).
CREATE TABLE push_rules (
    user_id   TEXT NOT NULL,
    kind      TEXT NOT NULL,
    rule_id   TEXT NOT NULL,
    priority  BIGINT NOT NULL,
    rule_json TEXT NOT NULL,
    enabled   SMALLINT NOT NULL DEFAULT 1,
    actions   TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, rule_id)
);

-- A user's changes to server-default rules: NULL means "as the default says".
CREATE TABLE push_rule_overrides (
    user_id TEXT NOT NULL,
    kind    TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    enabled SMALLINT,
    actions TEXT,
    PRIMARY KEY (user_id, kind, rule_id)
);

CREATE TABLE pushers (
    user_id             TEXT NOT NULL,
    app_id              TEXT NOT NULL,
    pushkey             TEXT NOT NULL,
    kind                TEXT NOT NULL,
    app_display_name    TEXT NOT NULL,
    device_display_name TEXT NOT NULL,
    profile_tag         TEXT,
    lang                TEXT NOT NULL,
    data                TEXT NOT NULL,
    device_id           TEXT,
    created_ts          BIGINT NOT NULL,
    PRIMARY KEY (user_id, app_id, pushkey)
);
CREATE INDEX pushers_app ON pushers (app_id, pushkey);

CREATE TABLE presence (
    user_id         TEXT PRIMARY KEY,
    state           TEXT NOT NULL,
    status_msg      TEXT,
    last_active_ts  BIGINT NOT NULL,
    stream_position BIGINT NOT NULL
);
CREATE INDEX presence_stream ON presence (stream_position);

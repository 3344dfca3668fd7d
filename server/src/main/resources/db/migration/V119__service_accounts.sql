-- Admin service accounts (issue 27): credentials for unattended admin automation, acting for the account that
-- created them within a scope. The account feature owns this table. Only the token's SHA-256 is stored.
-- permissions / tenants / sources: space-separated words, tenant IDs ('*' = all) and addresses or CIDR blocks
-- (empty = any address). revoked_ts set once it was revoked; a row is kept for the audit trail's sake.
CREATE TABLE service_accounts (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    permissions  TEXT NOT NULL,
    tenants      TEXT NOT NULL,
    sources      TEXT NOT NULL,
    created_ts   BIGINT NOT NULL,
    expires_ts   BIGINT NOT NULL,
    revoked_ts   BIGINT,
    last_used_ts BIGINT,
    last_used_ip TEXT
);
CREATE INDEX service_accounts_creator ON service_accounts (created_by);

-- Admin portal (issue 7): each admin's TOTP second factor, its one-time recovery codes and the admin API
-- tokens the portal issued after a two-factor sign-in. The portal feature owns these tables.

-- secret: the TOTP key, encrypted at rest (enc1:...) under the user's tenant key, bound to the user ID.
-- confirmed = 0 while enrolment is pending. last_step: the last accepted 30-second step (no replay).
-- failures / locked_until: wrong codes in a row, and until when further codes are refused.
CREATE TABLE portal_second_factor (
    user_id      TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    secret       TEXT NOT NULL,
    confirmed    SMALLINT NOT NULL DEFAULT 0,
    last_step    BIGINT NOT NULL DEFAULT 0,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,
    created_ts   BIGINT NOT NULL
);

-- Only SHA-256 hashes of the (random, high-entropy) recovery codes; used_ts set once a code was spent.
CREATE TABLE portal_recovery_codes (
    user_id   TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    used_ts   BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

-- Short-lived admin API tokens: an access token (and its device) issued by the portal after 2FA.
CREATE TABLE portal_api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    created_ts BIGINT NOT NULL,
    expires_ts BIGINT NOT NULL
);
CREATE INDEX portal_api_tokens_expiry ON portal_api_tokens (expires_ts);

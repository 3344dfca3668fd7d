-- Short-lived, single-use login tokens (m.login.token). Issued by POST /login/get_token (sign a new device in
-- from a signed-in one) and meant for single sign-on as well: issued_by names the issuer ("get_token", later
-- "sso:<provider>"). Only the SHA-256 of each token is stored; a redeemed or expired token is deleted.
CREATE TABLE login_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    issued_by  TEXT NOT NULL,
    created_ts BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX login_tokens_expiry ON login_tokens (expires_at);

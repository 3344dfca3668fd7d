-- OpenID tokens for third parties (call services): only the SHA-256 of each token, its user and expiry (ms).
CREATE TABLE openid_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX openid_tokens_expiry ON openid_tokens (expires_at);

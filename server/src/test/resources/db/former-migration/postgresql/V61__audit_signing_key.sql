-- The organisation's Ed25519 key that signs audit checkpoints (keys feature). The 32-byte seed is stored
-- only wrapped by the key-encryption key (AES-256-GCM, like the data keys); the public key in clear.
CREATE TABLE audit_signing_keys (
    key_id      TEXT PRIMARY KEY,
    public_key  TEXT NOT NULL,
    wrapped_key BYTEA NOT NULL,
    kek_id      TEXT NOT NULL,
    created_ts  BIGINT NOT NULL
);

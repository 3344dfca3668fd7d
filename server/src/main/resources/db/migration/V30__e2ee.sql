-- End-to-end encryption key distribution, owned by the e2ee feature. The server stores public keys,
-- signatures, opaque to-device payloads and encrypted key backups; it never holds a private key or a
-- message key in the clear.

-- A device's identity keys as the device uploaded and self-signed them (without "unsigned").
CREATE TABLE e2e_device_keys (
    user_id    TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    key_json   TEXT NOT NULL,
    created_ts BIGINT NOT NULL,
    PRIMARY KEY (user_id, device_id)
);

-- One-time keys: each is handed out by /keys/claim exactly once, then deleted.
CREATE TABLE e2e_one_time_keys (
    user_id   TEXT NOT NULL,
    device_id TEXT NOT NULL,
    algorithm TEXT NOT NULL,
    key_id    TEXT NOT NULL,
    key_json  TEXT NOT NULL,
    PRIMARY KEY (user_id, device_id, algorithm, key_id)
);

-- At most one fallback key per device and algorithm; handed out when no one-time key is left and then
-- marked used (not deleted) until the device replaces it.
CREATE TABLE e2e_fallback_keys (
    user_id   TEXT NOT NULL,
    device_id TEXT NOT NULL,
    algorithm TEXT NOT NULL,
    key_id    TEXT NOT NULL,
    key_json  TEXT NOT NULL,
    used      SMALLINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, device_id, algorithm)
);

-- Cross-signing keys: key_type is master, self_signing or user_signing.
CREATE TABLE e2e_cross_signing_keys (
    user_id    TEXT NOT NULL,
    key_type   TEXT NOT NULL,
    public_key TEXT NOT NULL,
    key_json   TEXT NOT NULL,
    created_ts BIGINT NOT NULL,
    PRIMARY KEY (user_id, key_type)
);

-- Signatures uploaded later through /keys/signatures/upload. target_key_id is a device ID or the
-- unpadded-base64 public key of a cross-signing key; signer_key_id is like "ed25519:<id>".
CREATE TABLE e2e_signatures (
    target_user_id TEXT NOT NULL,
    target_key_id  TEXT NOT NULL,
    signer_user_id TEXT NOT NULL,
    signer_key_id  TEXT NOT NULL,
    signature      TEXT NOT NULL,
    PRIMARY KEY (target_user_id, target_key_id, signer_user_id, signer_key_id)
);

-- "The device list of user_id changed" at a stream position: feeds device_lists.changed in /sync.
CREATE TABLE e2e_device_list_changes (
    stream_position BIGINT NOT NULL,
    user_id         TEXT NOT NULL,
    PRIMARY KEY (stream_position, user_id)
);
CREATE INDEX e2e_device_list_changes_user ON e2e_device_list_changes (user_id, stream_position);

-- To-device messages waiting for their device; deleted once the device syncs past stream_position.
-- seq orders the messages one request wrote at the same position.
CREATE TABLE to_device_messages (
    user_id         TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    stream_position BIGINT NOT NULL,
    seq             INTEGER NOT NULL,
    sender          TEXT NOT NULL,
    type            TEXT NOT NULL,
    content         TEXT NOT NULL,
    PRIMARY KEY (user_id, device_id, stream_position, seq)
);

-- Transaction IDs of sendToDevice requests already carried out (idempotency per sending device).
CREATE TABLE to_device_txns (
    user_id    TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    txn_id     TEXT NOT NULL,
    created_ts BIGINT NOT NULL,
    PRIMARY KEY (user_id, device_id, txn_id)
);

-- Server-side key backup versions; deleted versions stay (deleted = 1) so their numbers are not reused.
CREATE TABLE e2e_room_key_versions (
    user_id   TEXT NOT NULL,
    version   BIGINT NOT NULL,
    algorithm TEXT NOT NULL,
    auth_data TEXT NOT NULL,
    etag      BIGINT NOT NULL DEFAULT 0,
    deleted   SMALLINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, version)
);

-- Backed-up Megolm session keys; session_data is encrypted by the client with the backup key.
CREATE TABLE e2e_room_keys (
    user_id             TEXT NOT NULL,
    version             BIGINT NOT NULL,
    room_id             TEXT NOT NULL,
    session_id          TEXT NOT NULL,
    first_message_index BIGINT NOT NULL,
    forwarded_count     BIGINT NOT NULL,
    is_verified         SMALLINT NOT NULL,
    session_data        TEXT NOT NULL,
    PRIMARY KEY (user_id, version, room_id, session_id)
);

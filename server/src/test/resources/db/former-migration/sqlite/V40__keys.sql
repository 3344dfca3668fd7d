-- Encryption at rest (keys feature): per-tenant, versioned AES-256-GCM data keys, stored only wrapped by
-- the key-encryption key (KEK) whose public fingerprint is kek_id. The highest version of a tenant
-- encrypts new data; older versions stay for reading. Shredding empties wrapped_key for good.
CREATE TABLE at_rest_keys (
    tenant_id   TEXT NOT NULL,
    version     INTEGER NOT NULL,
    wrapped_key BLOB,
    kek_id      TEXT NOT NULL,
    state       TEXT NOT NULL,
    created_ts  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, version)
);

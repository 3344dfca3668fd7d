-- Tamper-evident audit trail (audit feature). Every entry gets its place in the chain (seq: 1, 2, 3, ...
-- without gaps, assigned under the chain-head lock), the hash of its predecessor and its own hash:
-- SHA-256 over the canonical JSON of its fields (see docs/audit-log.md). Rows written before this
-- migration are chained by the server at its next start, in id order. detail: what changed (e.g. the
-- permissions of a role), when the action names more than its route.
ALTER TABLE admin_audit ADD COLUMN seq BIGINT;
ALTER TABLE admin_audit ADD COLUMN detail TEXT;
ALTER TABLE admin_audit ADD COLUMN prev_hash TEXT;
ALTER TABLE admin_audit ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX admin_audit_seq ON admin_audit (seq);
CREATE INDEX admin_audit_actor ON admin_audit (actor, ts);
CREATE INDEX admin_audit_action ON admin_audit (action, ts);

-- The one row every append locks and moves forward: the last chained entry (seq, id, hash), and the
-- anchor the chain starts from (seq 0 and the all-zero hash, or the last entry deleted by retention).
CREATE TABLE audit_chain_head (
    id          INTEGER PRIMARY KEY,
    seq         BIGINT NOT NULL,
    entry_id    BIGINT NOT NULL,
    hash        TEXT NOT NULL,
    anchor_seq  BIGINT NOT NULL,
    anchor_hash TEXT NOT NULL
);
INSERT INTO audit_chain_head (id, seq, entry_id, hash, anchor_seq, anchor_hash)
VALUES (1, 0, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0,
        '0000000000000000000000000000000000000000000000000000000000000000');

-- Signed checkpoints: {seq, entry id, hash, time} signed with the organisation's audit key. One per seq,
-- so two nodes making the same checkpoint store it once. signed_json is exactly what was signed.
CREATE TABLE audit_checkpoints (
    seq         BIGINT PRIMARY KEY,
    entry_id    BIGINT NOT NULL,
    hash        TEXT NOT NULL,
    ts          BIGINT NOT NULL,
    key_id      TEXT NOT NULL,
    signed_json TEXT NOT NULL
);

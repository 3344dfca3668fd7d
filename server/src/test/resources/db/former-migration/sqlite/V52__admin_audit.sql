-- Every admin API request, allowed or refused: who (actor and the role that allowed it), what (method and
-- route), on what (target, tenant), when, from where, and the outcome. Append-only; a later change makes
-- it tamper-evident and searchable.
CREATE TABLE admin_audit (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    ts         BIGINT NOT NULL,
    actor      TEXT,
    role       TEXT,
    action     TEXT NOT NULL,
    target     TEXT,
    tenant_id  TEXT,
    client_ip  TEXT,
    status     INTEGER NOT NULL,
    outcome    TEXT NOT NULL
);
CREATE INDEX admin_audit_ts ON admin_audit (ts);
CREATE INDEX admin_audit_tenant ON admin_audit (tenant_id, ts);

-- Reports of events, rooms and users by users (POST .../report), read by the reporter's tenant admins.
-- reason is encrypted at rest under the reporter's tenant key (it may be personal), bound to report_id.
CREATE TABLE content_reports (
    report_id      TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL,
    reporter       TEXT NOT NULL,
    kind           TEXT NOT NULL,
    room_id        TEXT,
    event_id       TEXT,
    target_user_id TEXT,
    reason         TEXT,
    score          INTEGER,
    received_ts    BIGINT NOT NULL
);
CREATE INDEX content_reports_tenant ON content_reports (tenant_id, received_ts);

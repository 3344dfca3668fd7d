-- Alerts with acknowledgement (docs/alerts.md): the alert rooms, the alerts, who should get them and when
-- each recipient got, read and acknowledged them.
-- The tenant's alert sender (@alerts:<domain>), an account the server made for it.
CREATE TABLE alert_senders (
    tenant_id  TEXT PRIMARY KEY,
    sender     TEXT NOT NULL
);

-- One room per audience: '' = the whole tenant, else the sorted group IDs joined by ','. Its members are
-- the recipients of the audience's latest alert (and their escalation), nobody else.
CREATE TABLE alert_rooms (
    tenant_id  TEXT NOT NULL,
    audience   TEXT NOT NULL,
    room_id    TEXT NOT NULL,
    created_ts BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, audience)
);
CREATE INDEX alert_rooms_by_room ON alert_rooms (room_id);

CREATE TABLE alerts (
    alert_id           TEXT PRIMARY KEY,
    tenant_id          TEXT NOT NULL,
    sent_by            TEXT NOT NULL,
    body               TEXT NOT NULL,
    target_groups      TEXT NOT NULL,
    created_ts         BIGINT NOT NULL,
    room_id            TEXT,
    event_id           TEXT,
    event_position     BIGINT,
    delivered_ts       BIGINT,
    remind_after_ms    BIGINT,
    reminders_sent     INTEGER NOT NULL DEFAULT 0,
    last_reminder_ts   BIGINT,
    escalate_to_groups TEXT NOT NULL DEFAULT '',
    escalate_after_ms  BIGINT,
    escalated_ts       BIGINT,
    completed_ts       BIGINT
);
CREATE INDEX alerts_by_tenant ON alerts (tenant_id, created_ts);
CREATE INDEX alerts_by_room ON alerts (room_id, event_position);

CREATE TABLE alert_recipients (
    alert_id        TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    escalation      INTEGER NOT NULL DEFAULT 0,
    delivered_ts    BIGINT,
    read_ts         BIGINT,
    acknowledged_ts BIGINT,
    PRIMARY KEY (alert_id, user_id)
);
CREATE INDEX alert_recipients_by_user ON alert_recipients (user_id, alert_id);

-- The alert event and its reminders: a reaction to any of them acknowledges the alert.
CREATE TABLE alert_events (
    event_id  TEXT PRIMARY KEY,
    alert_id  TEXT NOT NULL,
    room_id   TEXT NOT NULL
);

-- Alerts with acknowledgement (docs/alerts.md): one alert room per tenant (room_id is null between the
-- sender account's creation and the room's), the alerts, who should get them
-- and when each recipient got, read and acknowledged them.
CREATE TABLE alert_rooms (
    tenant_id  TEXT PRIMARY KEY,
    room_id    TEXT,
    sender     TEXT NOT NULL,
    created_ts BIGINT NOT NULL
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

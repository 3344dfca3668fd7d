-- Delayed events (MSC4140): events a user scheduled to be sent later, e.g. Element Call's "I left the call".
-- content is encrypted at rest under the owner's tenant key. send_at = running_since + delay_ms (ms since the
-- epoch); a restart moves both. status: scheduled, then one of sent, cancelled, failed (finalised at
-- finalised_ts; kept a while so clients can see how it ended). finalised_by: action (an explicit send or
-- cancel), delay (sent when due) or error (the room refused it). The node that flips scheduled -> sent in the
-- same transaction that writes the room event is the one that sent it: no event is sent twice.
CREATE TABLE delayed_events (
    delay_id      TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    tenant_id     TEXT NOT NULL,
    txn_id        TEXT,
    room_id       TEXT NOT NULL,
    event_type    TEXT NOT NULL,
    state_key     TEXT,
    content       TEXT NOT NULL,
    delay_ms      BIGINT NOT NULL,
    running_since BIGINT NOT NULL,
    send_at       BIGINT NOT NULL,
    status        TEXT NOT NULL,
    finalised_ts  BIGINT,
    finalised_by  TEXT,
    event_id      TEXT,
    error         TEXT
);
CREATE INDEX delayed_events_due ON delayed_events (status, send_at);
CREATE INDEX delayed_events_owner ON delayed_events (user_id, status);
CREATE UNIQUE INDEX delayed_events_txn ON delayed_events (user_id, device_id, txn_id);

-- Push notifications (module push): what the push rules decided for each event and receiving user, and the
-- pushes still to be sent to push gateways.

-- One row per (user, event) that the user's push rules say notifies. event_position orders the user's
-- notifications (GET /notifications pages by it) and is compared with read receipts for the unread counts;
-- thread_id is 'main' or the thread root's event ID (threaded receipts). stream_ordering is the position of
-- the write that stored the row, so /sync delivers changed counts in the right window.
CREATE TABLE push_notifications (
    user_id         TEXT NOT NULL,
    room_id         TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    event_position  BIGINT NOT NULL,
    thread_id       TEXT NOT NULL,
    highlight       SMALLINT NOT NULL,
    actions         TEXT NOT NULL,
    ts              BIGINT NOT NULL,
    stream_ordering BIGINT NOT NULL,
    PRIMARY KEY (user_id, event_position)
);
CREATE INDEX push_notifications_room ON push_notifications (user_id, room_id, event_position);
CREATE INDEX push_notifications_stream ON push_notifications (user_id, stream_ordering);
-- A redaction removes its event's rows; rows are kept 30 days (pruned by ts).
CREATE INDEX push_notifications_event ON push_notifications (event_id);
CREATE INDEX push_notifications_ts ON push_notifications (ts);

-- How far the evaluation of new events has come (one row, name 'events'): after a restart it continues here,
-- so no event is evaluated twice or skipped.
CREATE TABLE push_cursor (
    name     TEXT PRIMARY KEY,
    position BIGINT NOT NULL
);

-- Pushes to HTTP pushers still to be delivered. A row is claimed (claimed_by/claimed_until, ms since the
-- epoch) by the node sending it, so several nodes never send it twice; a failed send is retried at
-- next_attempt_at until the retry time is over. Holds IDs and flags only, never message content.
CREATE TABLE push_outbox (
    id              ${generated_id},
    user_id         TEXT NOT NULL,
    app_id          TEXT NOT NULL,
    pushkey         TEXT NOT NULL,
    room_id         TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    highlight       SMALLINT NOT NULL,
    sound           TEXT,
    created_at      BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    claimed_by      TEXT,
    claimed_until   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX push_outbox_due ON push_outbox (next_attempt_at);

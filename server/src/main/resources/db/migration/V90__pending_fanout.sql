-- Follow-up work that a write triggers but that runs after its commit, in writes of its own (a new display
-- name re-sent into each of the user's rooms, a deactivated user leaving them). Recorded in the triggering
-- transaction so that a crash between the commit and the follow-up loses nothing; deleted when done.
-- claimed_by/claimed_until (ms since the epoch): the process running the row; once the claim has expired
-- (its process died) any node takes the row over. attempts counts failed runs (retried later).
CREATE TABLE pending_fanout (
    id            ${generated_id},
    kind          TEXT NOT NULL,
    subject       TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    claimed_by    TEXT,
    claimed_until BIGINT NOT NULL DEFAULT 0,
    attempts      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX pending_fanout_claimed_until ON pending_fanout (claimed_until);

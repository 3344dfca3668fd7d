-- Progress of the background re-encryption job (keys feature): one row per kind of encrypted data
-- (events, device names, media files …). cursor is where the next batch starts, so a job interrupted by a
-- restart resumes there. state: running, done or failed.
CREATE TABLE at_rest_reencryption (
    source      TEXT PRIMARY KEY,
    cursor      TEXT,
    done        BIGINT NOT NULL,
    total       BIGINT NOT NULL,
    state       TEXT NOT NULL,
    started_ts  BIGINT NOT NULL,
    finished_ts BIGINT,
    error       TEXT
);

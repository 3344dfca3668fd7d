-- Background jobs run on one node at a time: the node that holds a job's row until expires_at (ms since
-- the epoch, by the holder's clock) runs it, renewing while it runs; after expiry another node may take it.
CREATE TABLE cluster_job_leases (
    job        TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

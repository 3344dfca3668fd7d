-- When a user last synced (any node), so that presence can time out to offline when their apps stop
-- syncing. Updated in one batch per node and minute, not on every /sync.
ALTER TABLE presence ADD COLUMN last_sync_ts BIGINT NOT NULL DEFAULT 0;
CREATE INDEX presence_online ON presence (state, last_sync_ts);

-- Account suspension (spec v1.13/v1.18): a suspended account may still sign in and read, but not join, invite,
-- send or change its profile (403 M_USER_SUSPENDED). Reversible; unlike a lock it keeps the account usable.
ALTER TABLE users ADD COLUMN suspended SMALLINT NOT NULL DEFAULT 0;

-- Handling content reports in the admin portal: when and by whom a report was marked resolved (null: open).
ALTER TABLE content_reports ADD COLUMN resolved_ts BIGINT;
ALTER TABLE content_reports ADD COLUMN resolved_by TEXT;

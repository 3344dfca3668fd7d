-- The full-text search index (docs/adr/0011-search-index.md). One row per distinct word of an event's
-- searchable field, the word replaced by a keyed hash (64 bits of HMAC-SHA256 under the tenant's search
-- key): the table holds no words. field: 0 content.body, 1 content.name, 2 content.topic.
-- stream_ordering points at the event (events.stream_ordering); room_ref (64 bits of SHA-256 of the room ID,
-- unkeyed: room IDs are no secret) narrows a query to the rooms the user may read in 8 bytes a row.
-- Queries walk one word's rows newest first along the primary key.
CREATE TABLE search_tokens (
    token_hash      BIGINT NOT NULL,
    stream_ordering BIGINT NOT NULL,
    field           SMALLINT NOT NULL,
    room_ref        BIGINT NOT NULL,
    PRIMARY KEY (token_hash, stream_ordering, field)
) ${without_rowid};
-- To remove a redacted event's words.
CREATE INDEX search_tokens_event ON search_tokens (stream_ordering);

-- How far the indexer has read the event stream: it resumes from here after a restart.
CREATE TABLE search_index_position (
    id       INTEGER PRIMARY KEY,
    position BIGINT NOT NULL
);
INSERT INTO search_index_position (id, position) VALUES (1, 0);

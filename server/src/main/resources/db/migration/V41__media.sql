-- Media repository (media feature). The files themselves live encrypted under <data-dir>/media/;
-- these rows hold what is needed to serve them. uploaded = 0: created with /create, content pending.
CREATE TABLE media (
    server_name  TEXT NOT NULL,
    media_id     TEXT NOT NULL,
    tenant_id    TEXT NOT NULL,
    uploader     TEXT NOT NULL,
    content_type TEXT,
    upload_name  TEXT,
    size_bytes   BIGINT NOT NULL DEFAULT 0,
    uploaded     SMALLINT NOT NULL DEFAULT 0,
    created_ts   BIGINT NOT NULL,
    expires_ts   BIGINT,
    PRIMARY KEY (server_name, media_id)
);
CREATE INDEX media_uploader ON media (uploader, uploaded);

-- Generated thumbnails, one per (media, size, method); encrypted files beside the original.
CREATE TABLE media_thumbnails (
    server_name  TEXT NOT NULL,
    media_id     TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    method       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    created_ts   BIGINT NOT NULL,
    PRIMARY KEY (server_name, media_id, width, height, method)
);

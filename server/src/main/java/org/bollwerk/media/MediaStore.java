package org.bollwerk.media;

import org.bollwerk.storage.Db;
import org.bollwerk.storage.Dialect;
import org.springframework.stereotype.Repository;

import java.util.Optional;

/** SQL for the media, media_thumbnails and media_rooms tables, which this feature owns. */
@Repository
class MediaStore {
    private final Db db;

    MediaStore(Db db) {
        this.db = db;
    }

    record Media(String serverName, String mediaId, String tenantId, String uploader, String contentType,
                 String uploadName, long sizeBytes, boolean uploaded, long createdTs, Long expiresTs) {
    }

    record Thumbnail(String contentType, long sizeBytes) {
    }

    Optional<Media> media(String serverName, String mediaId) {
        return db.sql().sql("SELECT server_name, media_id, tenant_id, uploader, content_type, upload_name, size_bytes, "
                        + "uploaded, created_ts, expires_ts FROM media WHERE server_name = ? AND media_id = ?")
                .params(serverName, mediaId)
                .query((rs, n) -> {
                    long expires = rs.getLong(10);
                    Long expiresTs = rs.wasNull() ? null : expires;
                    return new Media(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getLong(7), rs.getInt(8) == 1, rs.getLong(9), expiresTs);
                })
                .optional();
    }

    void referToRoom(String serverName, String mediaId, String roomId) {
        db.sql().sql("INSERT INTO media_rooms (server_name, media_id, room_id) VALUES (?, ?, ?) "
                        + "ON CONFLICT (server_name, media_id, room_id) DO NOTHING")
                .params(serverName, mediaId, roomId).update();
    }

    java.util.List<String> rooms(String serverName, String mediaId) {
        return db.sql().sql("SELECT room_id FROM media_rooms WHERE server_name = ? AND media_id = ?")
                .params(serverName, mediaId).query(String.class).list();
    }

    void insertUploaded(String serverName, String mediaId, String tenantId, String uploader, String contentType,
                        String uploadName, long size, long now) {
        db.sql().sql("INSERT INTO media (server_name, media_id, tenant_id, uploader, content_type, upload_name, size_bytes, "
                        + "uploaded, created_ts) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)")
                .params(serverName, mediaId, tenantId, uploader, contentType, uploadName, size, now).update();
    }

    void insertPending(String serverName, String mediaId, String tenantId, String uploader, long now, long expires) {
        db.sql().sql("INSERT INTO media (server_name, media_id, tenant_id, uploader, uploaded, created_ts, expires_ts) "
                        + "VALUES (?, ?, ?, ?, 0, ?, ?)")
                .params(serverName, mediaId, tenantId, uploader, now, expires).update();
    }

    /** @return false when the content was uploaded meanwhile */
    boolean completePending(String serverName, String mediaId, String contentType, String uploadName, long size) {
        return db.sql().sql("UPDATE media SET content_type = ?, upload_name = ?, size_bytes = ?, uploaded = 1, "
                        + "expires_ts = NULL WHERE server_name = ? AND media_id = ? AND uploaded = 0")
                .params(contentType, uploadName, size, serverName, mediaId).update() == 1;
    }

    /**
     * Inside a write: on PostgreSQL, holds a transaction-scoped lock per uploader, so the quota check and insert
     * of several nodes do not interleave (SQLite has one writer, and each node's writes run one at a time).
     */
    void lockQuotaOf(String userId) {
        if (db.dialect() != Dialect.POSTGRESQL) return;
        db.sql().sql("SELECT pg_advisory_xact_lock(hashtext(?))").param("bollwerk media quota " + userId)
                .query((rs, n) -> 1).single();
    }

    long bytesUploadedBy(String userId) {
        return db.sql().sql("SELECT COALESCE(SUM(size_bytes), 0) FROM media WHERE uploader = ? AND uploaded = 1")
                .param(userId).query(Long.class).single();
    }

    int pendingOf(String userId, long now) {
        return db.sql().sql("SELECT COUNT(*) FROM media WHERE uploader = ? AND uploaded = 0 AND expires_ts > ?")
                .params(userId, now).query(Integer.class).single();
    }

    Optional<Thumbnail> thumbnail(String serverName, String mediaId, int width, int height, String method) {
        return db.sql().sql("SELECT content_type, size_bytes FROM media_thumbnails WHERE server_name = ? AND media_id = ? "
                        + "AND width = ? AND height = ? AND method = ?")
                .params(serverName, mediaId, width, height, method)
                .query((rs, n) -> new Thumbnail(rs.getString(1), rs.getLong(2))).optional();
    }

    void insertThumbnail(String serverName, String mediaId, int width, int height, String method, String contentType,
                         long size, long now) {
        db.sql().sql("INSERT INTO media_thumbnails (server_name, media_id, width, height, method, content_type, size_bytes, "
                        + "created_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (server_name, media_id, width, height, method) "
                        + "DO NOTHING")
                .params(serverName, mediaId, width, height, method, contentType, size, now).update();
    }
}

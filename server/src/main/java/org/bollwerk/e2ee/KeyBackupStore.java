package org.bollwerk.e2ee;

import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for e2e_room_key_versions and e2e_room_keys (server-side key backup). */
@Repository
class KeyBackupStore {
    private final Db db;

    KeyBackupStore(Db db) {
        this.db = db;
    }

    record Version(long version, String algorithm, ObjectNode authData, long etag) {
    }

    private static final String VERSION_COLUMNS = "version, algorithm, auth_data, etag";

    private static Version version(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Version(rs.getLong(1), rs.getString(2), KeyStore.parse(rs.getString(3)), rs.getLong(4));
    }

    Optional<Version> latest(String userId) {
        return db.sql().sql("SELECT " + VERSION_COLUMNS + " FROM e2e_room_key_versions WHERE user_id = ? AND deleted = 0 "
                        + "ORDER BY version DESC LIMIT 1")
                .param(userId).query(KeyBackupStore::version).optional();
    }

    Optional<Version> version(String userId, long version) {
        return db.sql().sql("SELECT " + VERSION_COLUMNS + " FROM e2e_room_key_versions WHERE user_id = ? AND version = ? "
                        + "AND deleted = 0")
                .params(userId, version).query(KeyBackupStore::version).optional();
    }

    /** Creates the next version; numbers of deleted versions are not reused. Call inside a write. */
    long create(String userId, String algorithm, ObjectNode authData) {
        long next = db.sql().sql("SELECT COALESCE(MAX(version), 0) + 1 FROM e2e_room_key_versions WHERE user_id = ?")
                .param(userId).query(Long.class).single();
        db.sql().sql("INSERT INTO e2e_room_key_versions (user_id, version, algorithm, auth_data, etag, deleted) "
                        + "VALUES (?, ?, ?, ?, 0, 0)")
                .params(userId, next, algorithm, Json.write(authData)).update();
        return next;
    }

    void updateAuthData(String userId, long version, ObjectNode authData) {
        db.sql().sql("UPDATE e2e_room_key_versions SET auth_data = ? WHERE user_id = ? AND version = ?")
                .params(Json.write(authData), userId, version).update();
    }

    void markDeleted(String userId, long version) {
        db.sql().sql("UPDATE e2e_room_key_versions SET deleted = 1 WHERE user_id = ? AND version = ?")
                .params(userId, version).update();
        db.sql().sql("DELETE FROM e2e_room_keys WHERE user_id = ? AND version = ?").params(userId, version).update();
    }

    long bumpEtag(String userId, long version) {
        return db.sql().sql("UPDATE e2e_room_key_versions SET etag = etag + 1 WHERE user_id = ? AND version = ? RETURNING etag")
                .params(userId, version).query(Long.class).single();
    }

    int count(String userId, long version) {
        return db.sql().sql("SELECT COUNT(*) FROM e2e_room_keys WHERE user_id = ? AND version = ?")
                .params(userId, version).query(Integer.class).single();
    }

    record RoomKey(String roomId, String sessionId, long firstMessageIndex, long forwardedCount, boolean verified,
                   ObjectNode sessionData) {
    }

    Optional<RoomKey> key(String userId, long version, String roomId, String sessionId) {
        return keys(userId, version, roomId, sessionId).stream().findFirst();
    }

    /** Keys of a version, optionally only one room's or one session's. */
    List<RoomKey> keys(String userId, long version, String roomId, String sessionId) {
        List<Object> params = new ArrayList<>(List.of(userId, version));
        StringBuilder sql = new StringBuilder("SELECT room_id, session_id, first_message_index, forwarded_count, is_verified, "
                + "session_data FROM e2e_room_keys WHERE user_id = ? AND version = ?");
        where(sql, params, roomId, sessionId);
        sql.append(" ORDER BY room_id, session_id");
        return db.sql().sql(sql.toString()).params(params)
                .query((rs, n) -> new RoomKey(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                        rs.getInt(5) == 1, KeyStore.parse(rs.getString(6))))
                .list();
    }

    void put(String userId, long version, RoomKey key) {
        db.sql().sql("INSERT INTO e2e_room_keys (user_id, version, room_id, session_id, first_message_index, forwarded_count, "
                        + "is_verified, session_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (user_id, version, room_id, session_id) DO UPDATE SET "
                        + "first_message_index = excluded.first_message_index, forwarded_count = excluded.forwarded_count, "
                        + "is_verified = excluded.is_verified, session_data = excluded.session_data")
                .params(userId, version, key.roomId(), key.sessionId(), key.firstMessageIndex(), key.forwardedCount(),
                        key.verified() ? 1 : 0, Json.write(key.sessionData()))
                .update();
    }

    int delete(String userId, long version, String roomId, String sessionId) {
        List<Object> params = new ArrayList<>(List.of(userId, version));
        StringBuilder sql = new StringBuilder("DELETE FROM e2e_room_keys WHERE user_id = ? AND version = ?");
        where(sql, params, roomId, sessionId);
        return db.sql().sql(sql.toString()).params(params).update();
    }

    private static void where(StringBuilder sql, List<Object> params, String roomId, String sessionId) {
        if (roomId != null) {
            sql.append(" AND room_id = ?");
            params.add(roomId);
        }
        if (sessionId != null) {
            sql.append(" AND session_id = ?");
            params.add(sessionId);
        }
    }

    void deleteUser(String userId) {
        db.sql().sql("DELETE FROM e2e_room_keys WHERE user_id = ?").param(userId).update();
        db.sql().sql("UPDATE e2e_room_key_versions SET deleted = 1 WHERE user_id = ?").param(userId).update();
    }
}

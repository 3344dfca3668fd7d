package org.bollwerk.userdata;

import org.bollwerk.keys.AtRestCipher;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * SQL for the account_data table. Global account data has {@code room_id = ''}. The content (direct-chat
 * partners, ignored users, client settings …) is encrypted at rest, bound to its user, room and type.
 */
@Repository
class AccountDataStore {
    static final String GLOBAL = "";
    private final Db db;
    private final AtRestCipher cipher;

    AccountDataStore(Db db, AtRestCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    static String aad(String userId, String roomId, String type) {
        return "account_data\n" + userId + "\n" + roomId + "\n" + type;
    }

    String tenantOf(String userId) {
        return db.sql().sql("SELECT tenant_id FROM profiles WHERE user_id = ?").param(userId).query(String.class)
                .optional().orElse(org.bollwerk.tenant.Tenant.DEFAULT_ID);
    }

    record Row(String roomId, String type, ObjectNode content) {
    }

    void put(String userId, String roomId, String type, ObjectNode content, long position) {
        db.sql().sql("INSERT INTO account_data (user_id, room_id, type, content, stream_position) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (user_id, room_id, type) DO UPDATE SET content = excluded.content, "
                        + "stream_position = excluded.stream_position")
                .params(userId, roomId, type, cipher.encryptText(tenantOf(userId), Json.write(content), aad(userId, roomId, type)),
                        position).update();
    }

    Optional<ObjectNode> get(String userId, String roomId, String type) {
        return db.sql().sql("SELECT content FROM account_data WHERE user_id = ? AND room_id = ? AND type = ?")
                .params(userId, roomId, type).query(String.class).optional()
                .map(stored -> parse(cipher.decryptText(stored, aad(userId, roomId, type))));
    }

    /** Changes in (from, to]; global ones if {@code global}, else those of rooms. */
    List<Row> changes(String userId, boolean global, long fromExclusive, long toInclusive) {
        return db.sql().sql("SELECT room_id, type, content FROM account_data WHERE user_id = ? AND "
                        + (global ? "room_id = ''" : "room_id <> ''")
                        + " AND stream_position > ? AND stream_position <= ? ORDER BY stream_position")
                .params(userId, fromExclusive, toInclusive)
                .query((rs, n) -> new Row(rs.getString(1), rs.getString(2),
                        parse(cipher.decryptText(rs.getString(3), aad(userId, rs.getString(1), rs.getString(2))))))
                .list();
    }

    private static ObjectNode parse(String json) {
        return Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
    }
}

package org.bollwerk.e2ee;

import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.OptionalLong;

/** SQL for to_device_messages and to_device_txns. */
@Repository
class ToDeviceStore {
    private final Db db;

    ToDeviceStore(Db db) {
        this.db = db;
    }

    /** Records a transaction ID; false if the sending device used it before. */
    boolean claimTxn(String userId, String deviceId, String txnId, long now) {
        return db.sql().sql("INSERT INTO to_device_txns (user_id, device_id, txn_id, created_ts) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (user_id, device_id, txn_id) DO NOTHING")
                .params(userId, deviceId, txnId, now).update() == 1;
    }

    void insert(String userId, String deviceId, long position, int seq, String sender, String type, String contentJson) {
        db.sql().sql("INSERT INTO to_device_messages (user_id, device_id, stream_position, seq, sender, type, content) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(userId, deviceId, position, seq, sender, type, contentJson).update();
    }

    record Backlog(String userId, String deviceId, int pending) {
    }

    /** Devices of {@code userIds} with more than {@code above} messages waiting (one indexed scan per batch). */
    List<Backlog> backlogsAbove(List<String> userIds, int above) {
        List<Backlog> out = new java.util.ArrayList<>();
        for (int from = 0; from < userIds.size(); from += 500) {
            List<String> batch = userIds.subList(from, Math.min(userIds.size(), from + 500));
            String marks = String.join(", ", java.util.Collections.nCopies(batch.size(), "?"));
            List<Object> params = new java.util.ArrayList<>(batch);
            params.add(above);
            out.addAll(db.sql().sql("SELECT user_id, device_id, COUNT(*) FROM to_device_messages WHERE user_id IN ("
                            + marks + ") GROUP BY user_id, device_id HAVING COUNT(*) > ?")
                    .params(params)
                    .query((rs, n) -> new Backlog(rs.getString(1), rs.getString(2), rs.getInt(3))).list());
        }
        return out;
    }

    record Message(long position, String sender, String type, ObjectNode content) {
    }

    /** Pending messages of a device at or below {@code upTo}, oldest first. */
    List<Message> pending(String userId, String deviceId, long upTo, int limit) {
        return db.sql().sql("SELECT stream_position, sender, type, content FROM to_device_messages WHERE user_id = ? "
                        + "AND device_id = ? AND stream_position <= ? ORDER BY stream_position, seq LIMIT ?")
                .params(userId, deviceId, upTo, limit)
                .query((rs, n) -> new Message(rs.getLong(1), rs.getString(2), rs.getString(3), KeyStore.parse(rs.getString(4))))
                .list();
    }

    /** Position of the pending message after the first {@code skip} ones (at or below upTo), if any. */
    OptionalLong positionAfter(String userId, String deviceId, long upTo, int skip) {
        return db.sql().sql("SELECT stream_position FROM to_device_messages WHERE user_id = ? AND device_id = ? "
                        + "AND stream_position <= ? ORDER BY stream_position, seq LIMIT 1 OFFSET ?")
                .params(userId, deviceId, upTo, skip).query(Long.class).optional()
                .map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    boolean anyAtOrBelow(String userId, String deviceId, long position) {
        return db.sql().sql("SELECT 1 FROM to_device_messages WHERE user_id = ? AND device_id = ? AND stream_position <= ? LIMIT 1")
                .params(userId, deviceId, position).query(Integer.class).optional().isPresent();
    }

    int deleteAtOrBelow(String userId, String deviceId, long position) {
        return db.sql().sql("DELETE FROM to_device_messages WHERE user_id = ? AND device_id = ? AND stream_position <= ?")
                .params(userId, deviceId, position).update();
    }

    void deleteDevice(String userId, String deviceId) {
        db.sql().sql("DELETE FROM to_device_messages WHERE user_id = ? AND device_id = ?").params(userId, deviceId).update();
        db.sql().sql("DELETE FROM to_device_txns WHERE user_id = ? AND device_id = ?").params(userId, deviceId).update();
    }

    void deleteUser(String userId) {
        db.sql().sql("DELETE FROM to_device_messages WHERE user_id = ?").param(userId).update();
        db.sql().sql("DELETE FROM to_device_txns WHERE user_id = ?").param(userId).update();
    }
}

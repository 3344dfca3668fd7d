package org.bollwerk.delayed;

import org.bollwerk.keys.AtRestCipher;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** SQL for {@code delayed_events}; the content is encrypted under the owner's tenant key. */
@Repository
class DelayedEventStore {
    private static final String COLUMNS = "delay_id, user_id, device_id, tenant_id, room_id, event_type, state_key, "
            + "content, delay_ms, running_since, send_at, status, finalised_ts, finalised_by, event_id, error";
    private final Db db;
    private final AtRestCipher cipher;

    DelayedEventStore(Db db, AtRestCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    /** Associated data of a content: binds the ciphertext to its row. */
    static String aad(String delayId) {
        return "delayed_events:" + delayId;
    }

    /** Inside a write. */
    void insert(DelayedEvent e, String txnId) {
        db.sql().sql("INSERT INTO delayed_events (delay_id, user_id, device_id, tenant_id, txn_id, room_id, event_type, "
                        + "state_key, content, delay_ms, running_since, send_at, status) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(e.delayId(), e.userId(), e.deviceId(), e.tenantId(), txnId, e.roomId(), e.type(), e.stateKey(),
                        cipher.encryptText(e.tenantId(), Json.write(e.content()), aad(e.delayId())), e.delayMs(),
                        e.runningSince(), e.sendAt(), DelayedEvent.Status.SCHEDULED.value())
                .update();
    }

    Optional<String> delayIdForTxn(String userId, String deviceId, String txnId) {
        return db.sql().sql("SELECT delay_id FROM delayed_events WHERE user_id = ? AND device_id = ? AND txn_id = ?")
                .params(userId, deviceId, txnId).query(String.class).optional();
    }

    Optional<DelayedEvent> find(String delayId) {
        return db.sql().sql("SELECT " + COLUMNS + " FROM delayed_events WHERE delay_id = ?").params(delayId)
                .query(this::row).optional();
    }

    /** The user's delayed events (only scheduled or only finalised ones, or both when null), scheduled ones first by send time, then finalised ones, newest first. */
    List<DelayedEvent> ofUser(String userId, Boolean scheduled) {
        String where = scheduled == null ? "" : scheduled ? " AND status = 'scheduled'" : " AND status <> 'scheduled'";
        return db.sql().sql("SELECT " + COLUMNS + " FROM delayed_events WHERE user_id = ?" + where
                        + " ORDER BY CASE WHEN status = 'scheduled' THEN 0 ELSE 1 END, send_at, delay_id LIMIT 2000")
                .params(userId).query(this::row).list();
    }

    int scheduledCount(String userId) {
        return db.sql().sql("SELECT COUNT(*) FROM delayed_events WHERE user_id = ? AND status = 'scheduled'")
                .params(userId).query(Integer.class).single();
    }

    /** When the user's next scheduled delayed event is due (for Retry-After), or empty. */
    Optional<Long> nextSendAt(String userId) {
        return db.sql().sql("SELECT MIN(send_at) FROM delayed_events WHERE user_id = ? AND status = 'scheduled'")
                .params(userId).query(Long.class).optional();
    }

    /** Delayed events due at {@code now}, oldest first. */
    List<String> due(long now, int limit) {
        return db.sql().sql("SELECT delay_id FROM delayed_events WHERE status = 'scheduled' AND send_at <= ? "
                        + "ORDER BY send_at LIMIT ?")
                .params(now, limit).query(String.class).list();
    }

    /** Inside a write: moves the timer; false when the event is no longer scheduled. */
    boolean restart(String delayId, long now) {
        return db.sql().sql("UPDATE delayed_events SET running_since = ?, send_at = ? + delay_ms "
                        + "WHERE delay_id = ? AND status = 'scheduled'")
                .params(now, now, delayId).update() == 1;
    }

    /**
     * Inside a write: finalises a scheduled event. The row-level condition makes it a claim: of two nodes that
     * try at once, one changes the row, the other (on PostgreSQL after waiting for the first to commit) none.
     */
    boolean finalise(String delayId, DelayedEvent.Status status, String by, long now, String error) {
        return db.sql().sql("UPDATE delayed_events SET status = ?, finalised_by = ?, finalised_ts = ?, error = ? "
                        + "WHERE delay_id = ? AND status = 'scheduled'")
                .params(status.value(), by, now, error, delayId).update() == 1;
    }

    /** Inside a write: the room event a sent delayed event became. */
    void setEventId(String delayId, String eventId) {
        db.sql().sql("UPDATE delayed_events SET event_id = ? WHERE delay_id = ?").params(eventId, delayId).update();
    }

    /** Inside a write: drops the user's finalised events older than {@code before}. */
    void pruneFinalised(String userId, long before) {
        db.sql().sql("DELETE FROM delayed_events WHERE user_id = ? AND status <> 'scheduled' AND finalised_ts < ?")
                .params(userId, before).update();
    }

    private DelayedEvent row(ResultSet rs, int n) throws SQLException {
        String delayId = rs.getString(1);
        long finalised = rs.getLong(13);
        Long finalisedTs = rs.wasNull() ? null : finalised;
        return new DelayedEvent(delayId, rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), content(delayId, rs.getString(8)), rs.getLong(9), rs.getLong(10),
                rs.getLong(11), DelayedEvent.Status.of(rs.getString(12)), finalisedTs, rs.getString(14), rs.getString(15),
                rs.getString(16));
    }

    /** The plain content; an empty object when the tenant's keys were shredded. */
    private tools.jackson.databind.node.ObjectNode content(String delayId, String stored) {
        try {
            return Json.parseObject(cipher.decryptText(stored, aad(delayId)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return Json.MAPPER.createObjectNode();
        }
    }
}

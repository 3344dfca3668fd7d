package org.bollwerk.alerts;

import org.bollwerk.keys.AtRestCipher;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Component;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The alert tables ({@code alert_rooms}, {@code alerts}, {@code alert_recipients}, {@code alert_events}).
 * An alert's body is user-written: encrypted at rest with its tenant's key, bound to the alert ID.
 */
@Component
class AlertStore {
    private static final int ROWS_PER_INSERT = 400;
    private static final String ALERT_COLUMNS = "alert_id, tenant_id, sent_by, body, target_groups, created_ts, room_id, "
            + "event_id, event_position, delivered_ts, remind_after_ms, reminders_sent, last_reminder_ts, "
            + "escalate_to_groups, escalate_after_ms, escalated_ts, completed_ts";

    private final Db db;
    private final AtRestCipher cipher;

    AlertStore(Db db, AtRestCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    record AlertRoom(String roomId, String sender) {
    }

    record Alert(String alertId, String tenantId, String sentBy, String body, List<String> groups, long createdTs,
                 String roomId, String eventId, Long eventPosition, Long deliveredTs, Long remindAfterMs,
                 int remindersSent, Long lastReminderTs, List<String> escalateToGroups, Long escalateAfterMs,
                 Long escalatedTs, Long completedTs) {
    }

    record Figures(int recipients, int delivered, int read, int acknowledged) {
    }

    record Recipient(String userId, boolean escalation, Long deliveredTs, Long readTs, Long acknowledgedTs) {
    }

    // ---- alert senders and rooms

    Optional<String> sender(String tenantId) {
        return db.sql().sql("SELECT sender FROM alert_senders WHERE tenant_id = ?").param(tenantId).query(String.class).optional();
    }

    void insertSender(String tenantId, String sender) {
        db.sql().sql("INSERT INTO alert_senders (tenant_id, sender) VALUES (?, ?)").params(tenantId, sender).update();
    }

    Optional<String> alertRoom(String tenantId, String audience) {
        return db.sql().sql("SELECT room_id FROM alert_rooms WHERE tenant_id = ? AND audience = ?")
                .params(tenantId, audience).query(String.class).optional();
    }

    /** An audience that has an alert room: the whole tenant (no groups) or a set of its groups. */
    record Audience(String tenantId, List<String> groups) {
    }

    List<Audience> audiences() {
        return db.sql().sql("SELECT tenant_id, audience FROM alert_rooms ORDER BY tenant_id, audience")
                .query((rs, n) -> new Audience(rs.getString(1),
                        rs.getString(2).isEmpty() ? List.of() : List.of(rs.getString(2).split(","))))
                .list();
    }

    /** Fails (rolling the write back) when another node made the audience's room meanwhile. */
    void insertAlertRoom(String tenantId, String audience, String roomId) {
        db.sql().sql("INSERT INTO alert_rooms (tenant_id, audience, room_id, created_ts) VALUES (?, ?, ?, ?)")
                .params(tenantId, audience, roomId, System.currentTimeMillis()).update();
    }

    boolean isAlertRoom(String roomId) {
        return db.sql().sql("SELECT 1 FROM alert_rooms WHERE room_id = ?").param(roomId).query(Integer.class)
                .optional().isPresent();
    }

    // ---- alerts

    void insertAlert(String alertId, String tenantId, String sentBy, String body, List<String> groups, long now,
                     Long remindAfterMs, List<String> escalateToGroups, Long escalateAfterMs) {
        db.sql().sql("INSERT INTO alerts (alert_id, tenant_id, sent_by, body, target_groups, created_ts, remind_after_ms, "
                        + "escalate_to_groups, escalate_after_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(alertId, tenantId, sentBy, cipher.encryptText(tenantId, body, associated(alertId)),
                        String.join(",", groups), now, remindAfterMs, String.join(",", escalateToGroups), escalateAfterMs)
                .update();
    }

    Optional<Alert> alert(String alertId) {
        return db.sql().sql("SELECT " + ALERT_COLUMNS + " FROM alerts WHERE alert_id = ?").param(alertId)
                .query((rs, n) -> alert(rs)).optional();
    }

    /** The tenant's alerts, newest first, created before {@code beforeTs}. */
    List<Alert> alerts(String tenantId, long beforeTs, int limit) {
        return db.sql().sql("SELECT " + ALERT_COLUMNS + " FROM alerts WHERE tenant_id = ? AND created_ts < ? "
                        + "ORDER BY created_ts DESC, alert_id DESC LIMIT ?")
                .params(tenantId, beforeTs, limit).query((rs, n) -> alert(rs)).list();
    }

    /** Alerts that were delivered and are still followed (reminders, escalation, outcome). */
    List<Alert> open() {
        return db.sql().sql("SELECT " + ALERT_COLUMNS + " FROM alerts WHERE event_id IS NOT NULL AND completed_ts IS NULL "
                + "ORDER BY created_ts").query((rs, n) -> alert(rs)).list();
    }

    /** The alert is in its room: its event, position and time. Inside a write. */
    void markPosted(String alertId, String roomId, String eventId, long position, long ts) {
        db.sql().sql("UPDATE alerts SET room_id = ?, event_id = ?, event_position = ?, delivered_ts = ? WHERE alert_id = ?")
                .params(roomId, eventId, position, ts, alertId).update();
        addEvent(eventId, alertId, roomId);
    }

    void addEvent(String eventId, String alertId, String roomId) {
        db.sql().sql("INSERT INTO alert_events (event_id, alert_id, room_id) VALUES (?, ?, ?)")
                .params(eventId, alertId, roomId).update();
    }

    Optional<String> alertOfEvent(String eventId) {
        return db.sql().sql("SELECT alert_id FROM alert_events WHERE event_id = ?").param(eventId).query(String.class).optional();
    }

    void markReminded(String alertId, long ts) {
        db.sql().sql("UPDATE alerts SET reminders_sent = reminders_sent + 1, last_reminder_ts = ? WHERE alert_id = ?")
                .params(ts, alertId).update();
    }

    void markEscalated(String alertId, long ts) {
        db.sql().sql("UPDATE alerts SET escalated_ts = ? WHERE alert_id = ?").params(ts, alertId).update();
    }

    boolean markCompleted(String alertId, long ts) {
        return db.sql().sql("UPDATE alerts SET completed_ts = ? WHERE alert_id = ? AND completed_ts IS NULL")
                .params(ts, alertId).update() == 1;
    }

    private Alert alert(ResultSet rs) throws SQLException {
        String alertId = rs.getString(1);
        String tenantId = rs.getString(2);
        return new Alert(alertId, tenantId, rs.getString(3), cipher.decryptText(rs.getString(4), associated(alertId)),
                list(rs.getString(5)), rs.getLong(6), rs.getString(7), rs.getString(8), nullableLong(rs, 9),
                nullableLong(rs, 10), nullableLong(rs, 11), rs.getInt(12), nullableLong(rs, 13), list(rs.getString(14)),
                nullableLong(rs, 15), nullableLong(rs, 16), nullableLong(rs, 17));
    }

    static String associated(String alertId) {
        return "alerts.body:" + alertId;
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static List<String> list(String text) {
        return text == null || text.isEmpty() ? List.of() : List.of(text.split(","));
    }

    // ---- recipients

    /** Adds recipients (those already listed stay as they are), in multi-row inserts. Inside a write. */
    void addRecipients(String alertId, Collection<String> userIds, boolean escalation) {
        List<String> all = new ArrayList<>(userIds);
        for (int i = 0; i < all.size(); i += ROWS_PER_INSERT) {
            List<String> chunk = all.subList(i, Math.min(all.size(), i + ROWS_PER_INSERT));
            String values = String.join(", ", Collections.nCopies(chunk.size(), "(?, ?, ?)"));
            List<Object> params = new ArrayList<>();
            for (String userId : chunk) params.addAll(Arrays.asList(alertId, userId, escalation ? 1 : 0));
            db.sql().sql("INSERT INTO alert_recipients (alert_id, user_id, escalation) VALUES " + values
                    + " ON CONFLICT (alert_id, user_id) DO NOTHING").params(params).update();
        }
    }

    List<String> recipientIds(String alertId) {
        return db.sql().sql("SELECT user_id FROM alert_recipients WHERE alert_id = ? ORDER BY user_id").param(alertId)
                .query(String.class).list();
    }

    List<Recipient> recipients(String alertId) {
        return db.sql().sql("SELECT user_id, escalation, delivered_ts, read_ts, acknowledged_ts FROM alert_recipients "
                        + "WHERE alert_id = ? ORDER BY user_id").param(alertId)
                .query((rs, n) -> new Recipient(rs.getString(1), rs.getInt(2) == 1, nullableLong(rs, 3),
                        nullableLong(rs, 4), nullableLong(rs, 5))).list();
    }

    /** Every recipient delivered at {@code ts}, then those who are not joined members undone. Inside a write. */
    void markDelivered(String alertId, long ts, Collection<String> notJoined) {
        db.sql().sql("UPDATE alert_recipients SET delivered_ts = ? WHERE alert_id = ? AND delivered_ts IS NULL")
                .params(ts, alertId).update();
        for (String userId : notJoined) {
            db.sql().sql("UPDATE alert_recipients SET delivered_ts = NULL WHERE alert_id = ? AND user_id = ?")
                    .params(alertId, userId).update();
        }
    }

    /** Delivered now for escalation recipients who were joined when the escalation was posted. */
    void markEscalationDelivered(String alertId, long ts, Collection<String> joined) {
        for (String userId : joined) {
            db.sql().sql("UPDATE alert_recipients SET delivered_ts = ? WHERE alert_id = ? AND user_id = ? "
                    + "AND escalation = 1 AND delivered_ts IS NULL").params(ts, alertId, userId).update();
        }
    }

    Figures figures(String alertId, boolean escalation) {
        return db.sql().sql("SELECT COUNT(*), COUNT(delivered_ts), COUNT(read_ts), COUNT(acknowledged_ts) "
                        + "FROM alert_recipients WHERE alert_id = ? AND escalation = ?").params(alertId, escalation ? 1 : 0)
                .query((rs, n) -> new Figures(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4))).single();
    }

    /** Recipients (of the alert or of its escalation) who have not acknowledged yet. */
    List<String> pending(String alertId, boolean escalation) {
        return db.sql().sql("SELECT user_id FROM alert_recipients WHERE alert_id = ? AND escalation = ? "
                        + "AND acknowledged_ts IS NULL ORDER BY user_id").params(alertId, escalation ? 1 : 0)
                .query(String.class).list();
    }

    /** A receipt at or after the alert events of {@code roomId} up to {@code position}: read, once. Inside a write. */
    int markRead(String roomId, String userId, long position, long ts) {
        return db.sql().sql("UPDATE alert_recipients SET read_ts = ? WHERE user_id = ? AND read_ts IS NULL AND alert_id IN "
                        + "(SELECT alert_id FROM alerts WHERE room_id = ? AND event_position <= ?)")
                .params(ts, userId, roomId, position).update();
    }

    /** Acknowledged (and so read and delivered, if not noted yet), once. Inside a write. */
    int markAcknowledged(String alertId, String userId, long ts) {
        return db.sql().sql("UPDATE alert_recipients SET acknowledged_ts = ?, read_ts = COALESCE(read_ts, ?), "
                        + "delivered_ts = COALESCE(delivered_ts, ?) WHERE alert_id = ? AND user_id = ? AND acknowledged_ts IS NULL")
                .params(ts, ts, ts, alertId, userId).update();
    }
}

package org.bollwerk.push;

import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.node.ArrayNode;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** SQL for push_notifications and push_cursor, which this feature owns. */
@Repository
class NotificationStore {
    static final String MAIN = "main";
    private final Db db;

    NotificationStore(Db db) {
        this.db = db;
    }

    record Notification(String userId, String roomId, String eventId, long eventPosition, String threadId,
                        boolean highlight, ArrayNode actions, long ts) {
    }

    /**
     * Inserts rows evaluated at {@code streamOrdering}, 100 to a statement (a message into a room of 1,000 is
     * 999 rows, written on the single writer); a row evaluated again (after a crash) stays once.
     */
    void insert(List<Notification> rows, long streamOrdering) {
        for (int from = 0; from < rows.size(); from += 100) {
            List<Notification> chunk = rows.subList(from, Math.min(rows.size(), from + 100));
            StringBuilder sql = new StringBuilder("INSERT INTO push_notifications (user_id, room_id, event_id, "
                    + "event_position, thread_id, highlight, actions, ts, stream_ordering) VALUES ");
            List<Object> params = new java.util.ArrayList<>(chunk.size() * 9);
            for (int i = 0; i < chunk.size(); i++) {
                Notification n = chunk.get(i);
                sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?)");
                params.addAll(java.util.Arrays.asList(n.userId(), n.roomId(), n.eventId(), n.eventPosition(),
                        n.threadId(), n.highlight() ? 1 : 0, Json.write(n.actions()), n.ts(), streamOrdering));
            }
            sql.append(" ON CONFLICT (user_id, event_position) DO NOTHING");
            db.sql().sql(sql.toString()).params(params).update();
        }
    }

    Optional<Long> cursor() {
        return db.sql().sql("SELECT position FROM push_cursor WHERE name = 'events'").query(Long.class).optional();
    }

    /**
     * Moves the cursor from {@code expected} to {@code position}; false when it is no longer at
     * {@code expected} (another node took the job over meanwhile: its evaluation counts, this one must not).
     */
    boolean moveCursor(long expected, long position) {
        return db.sql().sql("UPDATE push_cursor SET position = ? WHERE name = 'events' AND position = ?")
                .params(position, expected).update() == 1;
    }

    void setCursor(long position) {
        db.sql().sql("""
                        INSERT INTO push_cursor (name, position) VALUES ('events', ?)
                        ON CONFLICT (name) DO UPDATE SET position = excluded.position""")
                .param(position).update();
    }

    /** Per thread: notifications and highlights after {@code afterPosition}. */
    Map<String, int[]> countsByThread(String userId, String roomId, long afterPosition) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        db.sql().sql("""
                        SELECT thread_id, COUNT(*), SUM(highlight) FROM push_notifications
                        WHERE user_id = ? AND room_id = ? AND event_position > ? GROUP BY thread_id""")
                .params(userId, roomId, afterPosition)
                .query(rs -> {
                    counts.put(rs.getString(1), new int[]{rs.getInt(2), rs.getInt(3)});
                });
        return counts;
    }

    int[] countInThread(String userId, String roomId, String threadId, long afterPosition) {
        return db.sql().sql("""
                        SELECT COUNT(*), COALESCE(SUM(highlight), 0) FROM push_notifications
                        WHERE user_id = ? AND room_id = ? AND thread_id = ? AND event_position > ?""")
                .params(userId, roomId, threadId, afterPosition)
                .query((rs, n) -> new int[]{rs.getInt(1), rs.getInt(2)}).single();
    }

    /** Rooms in which the user got notifications stored in (from, to]: their counts changed. */
    /** Per room, the latest event position among the notifications stored in the window. */
    Map<String, Long> roomsStoredBetween(String userId, long fromExclusive, long toInclusive) {
        Map<String, Long> latest = new HashMap<>();
        db.sql().sql("""
                        SELECT room_id, MAX(event_position) FROM push_notifications
                        WHERE user_id = ? AND stream_ordering > ? AND stream_ordering <= ? GROUP BY room_id""")
                .params(userId, fromExclusive, toInclusive)
                .query((rs, n) -> latest.put(rs.getString(1), rs.getLong(2))).list();
        return latest;
    }

    /** Rooms the user has any notification in (for the badge count across rooms). */
    List<String> roomsWithNotifications(String userId) {
        return db.sql().sql("SELECT DISTINCT room_id FROM push_notifications WHERE user_id = ?")
                .param(userId).query(String.class).list();
    }

    /** The user's notifications before {@code beforePosition}, newest first. */
    List<Notification> page(String userId, long beforePosition, int limit, boolean onlyHighlight) {
        return db.sql().sql("SELECT user_id, room_id, event_id, event_position, thread_id, highlight, actions, ts "
                        + "FROM push_notifications WHERE user_id = ? AND event_position < ?"
                        + (onlyHighlight ? " AND highlight = 1" : "") + " ORDER BY event_position DESC LIMIT ?")
                .params(userId, beforePosition, limit)
                .query((rs, n) -> new Notification(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getString(5), rs.getInt(6) == 1,
                        (ArrayNode) Json.MAPPER.readTree(rs.getString(7).getBytes(StandardCharsets.UTF_8)), rs.getLong(8)))
                .list();
    }

    /** Deletes notifications older than {@code beforeTs} (ms); they no longer count nor show in /notifications. */
    int deleteOlderThan(long beforeTs) {
        return db.sql().sql("DELETE FROM push_notifications WHERE ts < ?").param(beforeTs).update();
    }

    /** A redacted event no longer counts nor shows in /notifications. */
    void deleteForEvents(List<String> eventIds) {
        for (String eventId : eventIds) {
            db.sql().sql("DELETE FROM push_notifications WHERE event_id = ?").param(eventId).update();
        }
    }
}

package org.bollwerk.room;

import org.bollwerk.matrix.auth.Membership;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Service;

import java.util.List;

/** Aggregated counts of rooms and messages for the admin portal's dashboard (no content, no IDs). */
@Service
public class RoomStatistics {
    private static final long DAY_MS = 86_400_000L;
    private final Db db;
    private final EventStore store;

    RoomStatistics(Db db, EventStore store) {
        this.db = db;
        this.store = store;
    }

    /** What an admin sees of a room: its settings and member counts, never its messages. */
    public record RoomInfo(String roomId, String tenantId, String creator, long createdTs, String name, String joinRule,
                           String historyVisibility, boolean encrypted, boolean published, int joined, int invited) {
    }

    /** Rooms of one tenant, newest first, after {@code beforeCreatedTs} (null: from the newest). */
    public List<RoomInfo> rooms(String tenantId, Long beforeCreatedTs, int limit) {
        List<String> ids = db.sql().sql("SELECT room_id FROM rooms WHERE tenant_id = ? AND created_ts < ? "
                        + "ORDER BY created_ts DESC, room_id LIMIT ?")
                .params(tenantId, beforeCreatedTs == null ? Long.MAX_VALUE : beforeCreatedTs, limit).query(String.class).list();
        return ids.stream().map(this::room).flatMap(java.util.Optional::stream).toList();
    }

    public java.util.Optional<RoomInfo> room(String roomId) {
        return store.room(roomId).map(row -> {
            long created = db.sql().sql("SELECT created_ts FROM rooms WHERE room_id = ?").param(roomId).query(Long.class).single();
            java.util.Map<Membership, Integer> counts = store.memberCounts(roomId);
            return new RoomInfo(roomId, row.tenantId(), row.creator(), created, stateText(roomId, "m.room.name", "name"),
                    stateText(roomId, "m.room.join_rules", "join_rule"),
                    stateText(roomId, "m.room.history_visibility", "history_visibility"),
                    store.currentState(roomId, "m.room.encryption", "").isPresent(), row.published(),
                    counts.getOrDefault(Membership.JOIN, 0), counts.getOrDefault(Membership.INVITE, 0));
        });
    }

    /** Members (joined and invited) with their membership. */
    public java.util.Map<String, String> members(String roomId) {
        java.util.Map<String, String> members = new java.util.TreeMap<>();
        for (Membership membership : List.of(Membership.JOIN, Membership.INVITE)) {
            store.members(roomId, membership).forEach(user -> members.put(user, membership.value()));
        }
        return members;
    }

    /** Current state as type → number of entries (e.g. m.room.member → 12): a summary, no content. */
    public java.util.Map<String, Long> stateSummary(String roomId) {
        java.util.Map<String, Long> summary = new java.util.TreeMap<>();
        store.currentStateIds(roomId).keySet().forEach(key -> summary.merge(key.type(), 1L, Long::sum));
        return summary;
    }

    private String stateText(String roomId, String type, String field) {
        return store.currentState(roomId, type, "").map(e -> e.content().path(field).asString(null)).orElse(null);
    }

    public record Day(long dayStartTs, long messages) {
    }

    /** Rooms of one tenant, or of all when null. */
    public long countRooms(String tenantId) {
        return db.sql().sql("SELECT COUNT(*) FROM rooms WHERE (CAST(? AS TEXT) IS NULL OR tenant_id = ?)")
                .params(tenantId, tenantId).query(Long.class).single();
    }

    /** Messages (plain and encrypted) per UTC day over the last {@code days} days, days without any left out. */
    public List<Day> messagesPerDay(String tenantId, int days) {
        long since = (System.currentTimeMillis() / DAY_MS - (days - 1)) * DAY_MS;
        return db.sql().sql("SELECT e.origin_server_ts / " + DAY_MS + " AS day, COUNT(*) FROM events e "
                        + "JOIN rooms r ON r.room_id = e.room_id WHERE e.type IN ('m.room.message', 'm.room.encrypted') "
                        + "AND e.origin_server_ts >= ? AND (CAST(? AS TEXT) IS NULL OR r.tenant_id = ?) "
                        + "GROUP BY e.origin_server_ts / " + DAY_MS + " ORDER BY day")
                .params(since, tenantId, tenantId)
                .query((rs, n) -> new Day(rs.getLong(1) * DAY_MS, rs.getLong(2))).list();
    }
}

package org.bollwerk.room;

import org.bollwerk.storage.Db;
import org.springframework.stereotype.Service;

import java.util.List;

/** Aggregated counts of rooms and messages for the admin portal's dashboard (no content, no IDs). */
@Service
public class RoomStatistics {
    private static final long DAY_MS = 86_400_000L;
    private final Db db;

    RoomStatistics(Db db) {
        this.db = db;
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

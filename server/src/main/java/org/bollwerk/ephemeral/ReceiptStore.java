package org.bollwerk.ephemeral;

import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Optional;

/** SQL for the receipts table, which this feature owns. */
@Repository
class ReceiptStore {
    private final Db db;

    ReceiptStore(Db db) {
        this.db = db;
    }

    record Receipt(String roomId, String userId, String type, String threadId, String eventId, long ts,
                   long eventPosition) {
    }

    void upsert(String roomId, String userId, String type, String threadId, String eventId, long ts,
                long eventPosition, long position) {
        db.sql().sql("INSERT INTO receipts (room_id, user_id, receipt_type, thread_id, event_id, ts, event_position, "
                        + "stream_ordering) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (room_id, user_id, receipt_type, thread_id) "
                        + "DO UPDATE SET event_id = excluded.event_id, ts = excluded.ts, "
                        + "event_position = excluded.event_position, stream_ordering = excluded.stream_ordering")
                .params(roomId, userId, type, threadId, eventId, ts, eventPosition, position).update();
    }

    Optional<Long> eventPosition(String roomId, String userId, String type, String threadId) {
        return db.sql().sql("SELECT event_position FROM receipts WHERE room_id = ? AND user_id = ? AND receipt_type = ? "
                        + "AND thread_id = ?")
                .params(roomId, userId, type, threadId).query(Long.class).optional();
    }

    List<Receipt> changed(String roomId, long fromExclusive, long toInclusive) {
        return db.sql().sql("SELECT room_id, user_id, receipt_type, thread_id, event_id, ts, event_position FROM receipts "
                        + "WHERE room_id = ? AND stream_ordering > ? AND stream_ordering <= ? ORDER BY stream_ordering")
                .params(roomId, fromExclusive, toInclusive)
                .query((rs, n) -> new Receipt(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getLong(6), rs.getLong(7)))
                .list();
    }

    Optional<Long> latestReadPosition(String roomId, String userId) {
        return db.sql().sql("SELECT event_position FROM receipts WHERE room_id = ? AND user_id = ? "
                        + "AND receipt_type IN ('m.read', 'm.read.private') ORDER BY event_position DESC LIMIT 1")
                .params(roomId, userId).query(Long.class).optional();
    }

    java.util.Map<String, Long> readPositionsByThread(String roomId, String userId) {
        java.util.Map<String, Long> positions = new java.util.HashMap<>();
        db.sql().sql("SELECT thread_id, MAX(event_position) FROM receipts WHERE room_id = ? AND user_id = ? "
                        + "AND receipt_type IN ('m.read', 'm.read.private') GROUP BY thread_id")
                .params(roomId, userId).query(rs -> {
                    positions.put(rs.getString(1), rs.getLong(2));
                });
        return positions;
    }
}

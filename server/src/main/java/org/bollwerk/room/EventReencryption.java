package org.bollwerk.room;

import org.bollwerk.keys.AtRestCipher;
import org.bollwerk.keys.ReencryptionSource;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * Lets the re-encryption job move stored events (message and state content, {@code events.pdu}) to the
 * newest data key version. Each batch is read and rewritten inside one write, so a redaction cannot slip in
 * between and be overwritten with the old content.
 */
@Component
class EventReencryption implements ReencryptionSource {
    private final Db db;
    private final AtRestCipher cipher;

    EventReencryption(Db db, AtRestCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    @Override
    public String name() {
        return "events";
    }

    @Override
    public long count() {
        return db.sql().sql("SELECT COUNT(*) FROM events").query(Long.class).single();
    }

    private record Row(long streamOrdering, String eventId, String tenantId, byte[] pdu) {
    }

    @Override
    public Batch reencrypt(String afterCursor, int limit) {
        long after = afterCursor == null ? Long.MIN_VALUE : Long.parseLong(afterCursor);
        return db.write(() -> {
            List<Row> rows = db.sql().sql("SELECT e.stream_ordering, e.event_id, r.tenant_id, e.pdu FROM events e "
                            + "JOIN rooms r ON r.room_id = e.room_id WHERE e.stream_ordering > ? "
                            + "ORDER BY e.stream_ordering LIMIT ?")
                    .params(after, limit)
                    .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4))).list();
            if (rows.isEmpty()) return Batch.END;
            for (Row row : rows) {
                byte[] fresh = cipher.reencrypt(row.tenantId(), row.pdu(), AtRestCipher.utf8(row.eventId()));
                if (fresh != null) {
                    db.sql().sql("UPDATE events SET pdu = ? WHERE stream_ordering = ?").params(fresh, row.streamOrdering())
                            .update();
                }
            }
            return new Batch(Long.toString(rows.getLast().streamOrdering()), rows.size());
        });
    }
}

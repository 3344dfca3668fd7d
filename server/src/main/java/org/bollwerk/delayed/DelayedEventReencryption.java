package org.bollwerk.delayed;

import org.bollwerk.keys.AtRestCipher;
import org.bollwerk.keys.ReencryptionSource;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Component;

import java.util.List;

/** Lets the re-encryption job move delayed event contents to the newest key version. */
@Component
class DelayedEventReencryption implements ReencryptionSource {
    private final Db db;
    private final AtRestCipher cipher;

    DelayedEventReencryption(Db db, AtRestCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    @Override
    public String name() {
        return "delayed_events";
    }

    @Override
    public long count() {
        return db.sql().sql("SELECT COUNT(*) FROM delayed_events").query(Long.class).single();
    }

    private record Row(String delayId, String tenantId, String content) {
    }

    /** The cursor is the delay ID. */
    @Override
    public Batch reencrypt(String afterCursor, int limit) {
        return db.write(() -> {
            List<Row> rows = db.sql().sql("SELECT delay_id, tenant_id, content FROM delayed_events WHERE delay_id > ? "
                            + "ORDER BY delay_id LIMIT ?")
                    .params(afterCursor == null ? "" : afterCursor, limit)
                    .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3))).list();
            if (rows.isEmpty()) return Batch.END;
            for (Row row : rows) {
                String fresh = cipher.reencryptText(row.tenantId(), row.content(), DelayedEventStore.aad(row.delayId()));
                if (fresh != null) {
                    db.sql().sql("UPDATE delayed_events SET content = ? WHERE delay_id = ?")
                            .params(fresh, row.delayId()).update();
                }
            }
            return new Batch(rows.getLast().delayId(), rows.size());
        });
    }
}

package org.bollwerk.alerts;

import org.bollwerk.keys.AtRestCipher;
import org.bollwerk.keys.ReencryptionSource;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Component;

import java.util.List;

/** Lets the re-encryption job move alert bodies ({@code alerts.body}) to the newest key version. */
@Component
class AlertReencryption implements ReencryptionSource {
    private final Db db;
    private final AtRestCipher cipher;

    AlertReencryption(Db db, AtRestCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    @Override
    public String name() {
        return "alerts";
    }

    @Override
    public long count() {
        return db.sql().sql("SELECT COUNT(*) FROM alerts").query(Long.class).single();
    }

    private record Row(String alertId, String tenantId, String body) {
    }

    /** The cursor is the alert ID. */
    @Override
    public Batch reencrypt(String afterCursor, int limit) {
        return db.write(() -> {
            List<Row> rows = db.sql().sql("SELECT alert_id, tenant_id, body FROM alerts WHERE alert_id > ? "
                            + "ORDER BY alert_id LIMIT ?")
                    .params(afterCursor == null ? "" : afterCursor, limit)
                    .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3))).list();
            if (rows.isEmpty()) return Batch.END;
            for (Row row : rows) {
                String fresh = cipher.reencryptText(row.tenantId(), row.body(), AlertStore.associated(row.alertId()));
                if (fresh != null) {
                    db.sql().sql("UPDATE alerts SET body = ? WHERE alert_id = ?").params(fresh, row.alertId()).update();
                }
            }
            return new Batch(rows.getLast().alertId(), rows.size());
        });
    }
}

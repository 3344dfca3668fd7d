package org.bollwerk.report;

import org.bollwerk.keys.AtRestCipher;
import org.bollwerk.keys.ReencryptionSource;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Component;

import java.util.List;

/** Lets the re-encryption job move report reasons ({@code content_reports.reason}) to the newest key version. */
@Component
class ReportReencryption implements ReencryptionSource {
    private final Db db;
    private final AtRestCipher cipher;

    ReportReencryption(Db db, AtRestCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    @Override
    public String name() {
        return "content_reports";
    }

    @Override
    public long count() {
        return db.sql().sql("SELECT COUNT(*) FROM content_reports").query(Long.class).single();
    }

    private record Row(String reportId, String tenantId, String reason) {
    }

    /** The cursor is the report ID. */
    @Override
    public Batch reencrypt(String afterCursor, int limit) {
        return db.write(() -> {
            List<Row> rows = db.sql().sql("SELECT report_id, tenant_id, reason FROM content_reports WHERE report_id > ? "
                            + "ORDER BY report_id LIMIT ?")
                    .params(afterCursor == null ? "" : afterCursor, limit)
                    .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3))).list();
            if (rows.isEmpty()) return Batch.END;
            for (Row row : rows) {
                String fresh = cipher.reencryptText(row.tenantId(), row.reason(), ReportStore.aad(row.reportId()));
                if (fresh != null) {
                    db.sql().sql("UPDATE content_reports SET reason = ? WHERE report_id = ?")
                            .params(fresh, row.reportId()).update();
                }
            }
            return new Batch(rows.getLast().reportId(), rows.size());
        });
    }
}

package org.bollwerk.report;

import org.bollwerk.keys.AtRestCipher;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;

import java.util.List;

/** SQL for {@code content_reports}; the reason is encrypted under the reporter's tenant key. */
@Repository
class ReportStore {
    private final Db db;
    private final AtRestCipher cipher;

    ReportStore(Db db, AtRestCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    /** Associated data of a reason: binds the ciphertext to its row. */
    static String aad(String reportId) {
        return "content_reports:" + reportId;
    }

    void insert(ContentReport r) {
        db.write(() -> db.sql().sql("INSERT INTO content_reports (report_id, tenant_id, reporter, kind, room_id, event_id, "
                        + "target_user_id, reason, score, received_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(r.reportId(), r.tenantId(), r.reporter(), r.kind(), r.roomId(), r.eventId(), r.targetUserId(),
                        cipher.encryptText(r.tenantId(), r.reason(), aad(r.reportId())), r.score(), r.receivedTs())
                .update());
    }

    /** Reports of one tenant, newest first, skipping {@code offset}. */
    List<ContentReport> list(String tenantId, int offset, int limit) {
        return db.sql().sql("SELECT report_id, tenant_id, reporter, kind, room_id, event_id, target_user_id, reason, score, "
                        + "received_ts FROM content_reports WHERE tenant_id = ? ORDER BY received_ts DESC, report_id "
                        + "LIMIT ? OFFSET ?")
                .params(tenantId, limit, offset)
                .query((rs, n) -> {
                    int score = rs.getInt(9);
                    Integer scoreOrNull = rs.wasNull() ? null : score;
                    return new ContentReport(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), reason(rs.getString(1), rs.getString(8)),
                            scoreOrNull, rs.getLong(10));
                })
                .list();
    }

    /** The plain reason; null when the tenant's keys were shredded (the rest of the report stays readable). */
    private String reason(String reportId, String stored) {
        try {
            return cipher.decryptText(stored, aad(reportId));
        } catch (RuntimeException e) {
            return null;
        }
    }
}

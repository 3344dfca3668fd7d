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

    private static final String COLUMNS = "report_id, tenant_id, reporter, kind, room_id, event_id, target_user_id, "
            + "reason, score, received_ts, resolved_ts, resolved_by";

    /** Reports of one tenant, newest first, skipping {@code offset}. */
    List<ContentReport> list(String tenantId, int offset, int limit) {
        return search(new ContentReports.Query(List.of(tenantId), null, null, null, null, false, true), offset, limit);
    }

    List<ContentReport> search(ContentReports.Query query, int offset, int limit) {
        List<Object> params = new java.util.ArrayList<>();
        String where = where(query, params);
        String order = query.newestFirst() ? "received_ts DESC, report_id DESC" : "received_ts, report_id";
        params.add(limit);
        params.add(offset);
        return db.sql().sql("SELECT " + COLUMNS + " FROM content_reports" + where + " ORDER BY " + order + " LIMIT ? OFFSET ?")
                .params(params).query(this::report).list();
    }

    long count(ContentReports.Query query) {
        List<Object> params = new java.util.ArrayList<>();
        String where = where(query, params);
        return db.sql().sql("SELECT COUNT(*) FROM content_reports" + where).params(params).query(Long.class).single();
    }

    private static String where(ContentReports.Query q, List<Object> params) {
        List<String> conditions = new java.util.ArrayList<>();
        if (q.tenantIds() != null) {
            conditions.add("tenant_id IN (" + String.join(", ", java.util.Collections.nCopies(q.tenantIds().size(), "?")) + ")");
            params.addAll(q.tenantIds());
        }
        equal(conditions, params, "kind", q.kind());
        equal(conditions, params, "room_id", q.roomId());
        equal(conditions, params, "reporter", q.reporter());
        equal(conditions, params, "target_user_id", q.targetUserId());
        if (q.openOnly()) conditions.add("resolved_ts IS NULL");
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    private static void equal(List<String> conditions, List<Object> params, String column, String value) {
        if (value == null) return;
        conditions.add(column + " = ?");
        params.add(value);
    }

    java.util.Optional<ContentReport> find(String reportId) {
        return db.sql().sql("SELECT " + COLUMNS + " FROM content_reports WHERE report_id = ?").param(reportId)
                .query(this::report).optional();
    }

    void resolve(String reportId, String byUserId, long now) {
        db.write(() -> db.sql().sql("UPDATE content_reports SET resolved_ts = ?, resolved_by = ? "
                + "WHERE report_id = ? AND resolved_ts IS NULL").params(now, byUserId, reportId).update());
    }

    boolean delete(String reportId) {
        return db.write(() -> db.sql().sql("DELETE FROM content_reports WHERE report_id = ?").param(reportId).update() > 0);
    }

    private ContentReport report(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        int score = rs.getInt(9);
        Integer scoreOrNull = rs.wasNull() ? null : score;
        long resolved = rs.getLong(11);
        Long resolvedOrNull = rs.wasNull() ? null : resolved;
        return new ContentReport(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), reason(rs.getString(1), rs.getString(8)),
                scoreOrNull, rs.getLong(10), resolvedOrNull, rs.getString(12));
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

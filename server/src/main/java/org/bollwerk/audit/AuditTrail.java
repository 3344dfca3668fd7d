package org.bollwerk.audit;

import org.bollwerk.storage.Db;
import org.springframework.stereotype.Service;

import java.util.List;

/** Records administrative actions in the admin_audit table, which this feature owns, and reads them back. */
@Service
public class AuditTrail {
    private static final int MAX_TEXT = 512;
    private final Db db;

    AuditTrail(Db db) {
        this.db = db;
    }

    public void record(String actor, String role, String action, String target, String tenantId, String clientIp,
                       int status) {
        String outcome = status < 400 ? "ok" : status == 401 || status == 403 ? "refused" : "failed";
        db.write(() -> db.sql().sql("INSERT INTO admin_audit (ts, actor, role, action, target, tenant_id, client_ip, "
                        + "status, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(System.currentTimeMillis(), cut(actor), cut(role), cut(action), cut(target), cut(tenantId),
                        cut(clientIp), status, outcome)
                .update());
    }

    /** The newest entries first, optionally of one tenant, before entry {@code beforeId} (null: from the newest). */
    public List<AuditEntry> recent(String tenantId, Long beforeId, int limit) {
        return db.sql().sql("SELECT id, ts, actor, role, action, target, tenant_id, client_ip, status, outcome "
                        + "FROM admin_audit WHERE (CAST(? AS TEXT) IS NULL OR tenant_id = ?) AND id < ? "
                        + "ORDER BY id DESC LIMIT ?")
                .params(tenantId, tenantId, beforeId == null ? Long.MAX_VALUE : beforeId, limit)
                .query((rs, n) -> new AuditEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getInt(9),
                        rs.getString(10)))
                .list();
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
    }
}

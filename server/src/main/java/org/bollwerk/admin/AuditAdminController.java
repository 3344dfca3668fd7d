package org.bollwerk.admin;

import org.bollwerk.account.Requester;
import org.bollwerk.audit.AuditEntry;
import org.bollwerk.audit.AuditTrail;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.tenant.TenantRoles;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /_bollwerk/admin/v1/audit}: the newest admin actions first. Operators see all; tenant admins
 * the actions on their tenant ({@code tenant_id} required when they administer several). Page with
 * {@code before=<next_token>}.
 */
@RestController
class AuditAdminController {
    private static final int MAX_LIMIT = 1000;
    private final AuditTrail audit;
    private final AdminAccess access;

    AuditAdminController(AuditTrail audit, AdminAccess access) {
        this.audit = audit;
        this.access = access;
    }

    @GetMapping("/_bollwerk/admin/v1/audit")
    Map<String, Object> audit(Requester requester, @RequestParam(name = "tenant_id", required = false) String tenantId,
                              @RequestParam(required = false) Long before, @RequestParam(required = false) Integer limit) {
        List<String> scope = access.scope(requester, TenantRoles.AUDIT_READ, tenantId);
        if (scope != null && scope.size() > 1) throw MatrixException.missingParam("Give tenant_id");
        int size = limit == null ? 100 : Math.max(1, Math.min(MAX_LIMIT, limit));
        List<AuditEntry> entries = audit.recent(scope == null ? null : scope.getFirst(), before, size);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("entries", entries.stream().map(AuditAdminController::json).toList());
        if (entries.size() == size) body.put("next_token", entries.getLast().id());
        return body;
    }

    private static Map<String, Object> json(AuditEntry e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", e.id());
        body.put("ts", e.ts());
        body.put("actor", e.actor());
        body.put("role", e.role());
        body.put("action", e.action());
        body.put("target", e.target());
        body.put("tenant_id", e.tenantId());
        body.put("client_ip", e.clientIp());
        body.put("status", e.status());
        body.put("outcome", e.outcome());
        return body;
    }
}

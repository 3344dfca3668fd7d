package org.bollwerk.admin;

import org.bollwerk.web.QueryParameters;
import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.report.ContentReport;
import org.bollwerk.report.ContentReports;
import org.bollwerk.tenant.TenantRoles;
import org.bollwerk.tenant.TenantService;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The content reports a tenant's users filed, for that tenant's admins (permission {@code reports.read}) and
 * operators. Every read is recorded in the audit trail like any admin request (the reasons may be personal).
 */
@RestController
@RequestMapping("/_bollwerk/admin/v1/tenants")
class ReportAdminController {
    private static final int MAX_LIMIT = 500;
    private final ContentReports reports;
    private final TenantService tenants;
    private final AdminAccess access;

    ReportAdminController(ContentReports reports, TenantService tenants, AdminAccess access) {
        this.reports = reports;
        this.tenants = tenants;
        this.access = access;
    }

    @GetMapping("/{tenantId}/reports")
    Map<String, Object> list(Requester requester, @PathVariable String tenantId,
                             @RequestParam(required = false) String from, @RequestParam(required = false) String limit) {
        access.require(requester, TenantRoles.REPORTS_READ, tenantId);
        tenants.tenant(tenantId).orElseThrow(() -> MatrixException.notFound("Unknown tenant " + tenantId));
        int offset = QueryParameters.integer(from, "from", 0, 0);
        int size = Math.min(MAX_LIMIT, Math.max(1, QueryParameters.integer(limit, "limit", 100, 0)));
        List<ContentReport> page = reports.reports(tenantId, offset, size + 1);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("reports", page.stream().limit(size).map(ReportAdminController::json).toList());
        if (page.size() > size) response.put("next_token", String.valueOf(offset + size));
        return response;
    }

    /** Marks a report of the tenant handled (who and when are kept and shown). */
    @PostMapping("/{tenantId}/reports/{reportId}/resolve")
    Map<String, Object> resolve(Requester requester, @PathVariable String tenantId, @PathVariable String reportId) {
        access.require(requester, TenantRoles.REPORTS_READ, tenantId);
        ContentReport report = reports.report(reportId).filter(r -> r.tenantId().equals(tenantId))
                .orElseThrow(() -> MatrixException.notFound("Report not found"));
        reports.resolve(report.reportId(), requester.userId());
        return Map.of();
    }

    @DeleteMapping("/{tenantId}/reports/{reportId}")
    Map<String, Object> delete(Requester requester, @PathVariable String tenantId, @PathVariable String reportId) {
        access.require(requester, TenantRoles.REPORTS_READ, tenantId);
        ContentReport report = reports.report(reportId).filter(r -> r.tenantId().equals(tenantId))
                .orElseThrow(() -> MatrixException.notFound("Report not found"));
        reports.delete(report.reportId());
        return Map.of();
    }


    private static Map<String, Object> json(ContentReport r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", r.reportId());
        json.put("kind", r.kind());
        json.put("reporter", r.reporter());
        json.put("received_ts", r.receivedTs());
        if (r.roomId() != null) json.put("room_id", r.roomId());
        if (r.eventId() != null) json.put("event_id", r.eventId());
        if (r.targetUserId() != null) json.put("user_id", r.targetUserId());
        if (r.reason() != null) json.put("reason", r.reason());
        if (r.score() != null) json.put("score", r.score());
        if (r.resolved()) {
            json.put("resolved_ts", r.resolvedTs());
            json.put("resolved_by", r.resolvedBy());
        }
        return json;
    }
}

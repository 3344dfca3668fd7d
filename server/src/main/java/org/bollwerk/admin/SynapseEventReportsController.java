package org.bollwerk.admin;

import org.bollwerk.web.QueryParameters;
import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.report.ContentReport;
import org.bollwerk.report.ContentReports;
import org.bollwerk.tenant.TenantRoles;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Synapse's event-reports admin API ({@code /_synapse/admin/v1/event_reports}) over the content reports, so
 * existing admin tools list and handle them. Operators see every tenant's reports; anyone else those of the
 * tenants where they hold {@code reports.read} — a report of another tenant answers 404 like an unknown one.
 * Only reports of events are listed here (rooms and users reported are in Bollwerk's own API and the portal).
 * Report IDs are strings, not Synapse's integers.
 */
@RestController
@RequestMapping("/_synapse/admin/v1/event_reports")
class SynapseEventReportsController {
    private static final int MAX_LIMIT = 500;
    private final ContentReports reports;
    private final AdminAccess access;

    SynapseEventReportsController(ContentReports reports, AdminAccess access) {
        this.reports = reports;
        this.access = access;
    }

    @GetMapping
    Map<String, Object> list(Requester requester, @RequestParam(required = false) String from,
                             @RequestParam(required = false) String limit, @RequestParam(required = false) String dir,
                             @RequestParam(name = "user_id", required = false) String reporter,
                             @RequestParam(name = "room_id", required = false) String roomId,
                             @RequestParam(name = "event_sender_user_id", required = false) String sender) {
        access.requireAnyAdminRole(requester);
        List<String> tenants = access.scope(requester, TenantRoles.REPORTS_READ, null);
        if (dir != null && !dir.equals("b") && !dir.equals("f")) throw MatrixException.invalidParam("dir must be 'b' or 'f'");
        int offset = QueryParameters.integer(from, "from", 0, 0);
        int size = Math.min(MAX_LIMIT, Math.max(1, QueryParameters.integer(limit, "limit", 100, 0)));
        ContentReports.Page page = reports.search(new ContentReports.Query(tenants, "event", roomId, reporter, sender,
                false, !"f".equals(dir)), offset, size);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event_reports", page.reports().stream().map(SynapseEventReportsController::json).toList());
        if (offset + page.reports().size() < page.total()) body.put("next_token", offset + page.reports().size());
        body.put("total", page.total());
        return body;
    }

    @GetMapping("/{reportId}")
    Map<String, Object> get(Requester requester, @PathVariable String reportId) {
        ContentReport report = visible(requester, reportId);
        Map<String, Object> body = json(report);
        reports.reportedEvent(report).ifPresent(event -> body.put("event_json", event));
        return body;
    }

    @DeleteMapping("/{reportId}")
    Map<String, Object> delete(Requester requester, @PathVariable String reportId) {
        ContentReport report = visible(requester, reportId);
        AdminAccess.noteDetail("deleted report " + report.reportId());
        reports.delete(report.reportId());
        return Map.of();
    }

    /** An event report the caller may handle; 404 for unknown ones and other tenants' alike. */
    private ContentReport visible(Requester requester, String reportId) {
        access.requireAnyAdminRole(requester);
        List<String> tenants = access.scope(requester, TenantRoles.REPORTS_READ, null);
        return reports.report(reportId)
                .filter(r -> "event".equals(r.kind()) && (tenants == null || tenants.contains(r.tenantId())))
                .orElseThrow(() -> MatrixException.notFound("Event report not found"));
    }

    private static Map<String, Object> json(ContentReport r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", r.reportId());
        json.put("received_ts", r.receivedTs());
        json.put("room_id", r.roomId());
        json.put("event_id", r.eventId());
        json.put("user_id", r.reporter());
        json.put("sender", r.targetUserId());
        json.put("reason", r.reason());
        json.put("score", r.score());
        json.put("resolved", r.resolved());
        return json;
    }

}

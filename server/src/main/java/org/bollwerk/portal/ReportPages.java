package org.bollwerk.portal;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.report.ContentReport;
import org.bollwerk.report.ContentReports;
import org.bollwerk.tenant.TenantRoles;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.List;

/**
 * Content reports of the tenants where the admin holds {@code reports.read}: who reported what and why, open
 * ones first by default; the admin marks a report resolved or deletes it. The reported message itself is not
 * shown here (the admin API's event-reports detail has it for the tools built on it). Reading and every
 * action are recorded in the audit trail.
 */
@Controller
class ReportPages {
    private static final int PAGE = 100;
    private final PortalAccess access;
    private final PortalActions actions;
    private final ContentReports reports;

    ReportPages(PortalAccess access, PortalActions actions, ContentReports reports) {
        this.access = access;
        this.actions = actions;
        this.reports = reports;
    }

    @GetMapping("/admin/reports")
    String list(HttpServletRequest request, @RequestParam(required = false) String tenant,
                @RequestParam(required = false) String all, Model model) {
        String me = PortalSession.signedInUser(request);
        List<String> readable = access.tenants(me, TenantRoles.REPORTS_READ);
        String shown = tenant != null && readable.contains(tenant) ? tenant : readable.isEmpty() ? null : readable.getFirst();
        boolean openOnly = all == null;
        List<ContentReport> page = shown == null ? List.of() : reports.search(new ContentReports.Query(List.of(shown),
                null, null, null, null, openOnly, true), 0, PAGE).reports();
        actions.record(me, shown == null ? null : access.roleFor(me, TenantRoles.REPORTS_READ, shown).orElse(null),
                "read reports", null, shown, request, shown == null ? 403 : 200);
        model.addAttribute("tenants", readable);
        model.addAttribute("tenant", shown);
        model.addAttribute("openOnly", openOnly);
        model.addAttribute("reports", page);
        return "portal/reports";
    }

    @PostMapping("/admin/reports/{reportId}/resolve")
    String resolve(HttpServletRequest request, RedirectAttributes flash, @PathVariable String reportId) {
        String me = PortalSession.signedInUser(request);
        ContentReport report = reports.report(reportId).orElse(null);
        actions.run(request, flash, "resolve report", reportId, report == null ? null : report.tenantId(), () -> {
            String role = permitted(me, report);
            reports.resolve(report.reportId(), me);
            return role;
        });
        return redirect(report);
    }

    @PostMapping("/admin/reports/{reportId}/delete")
    String delete(HttpServletRequest request, RedirectAttributes flash, @PathVariable String reportId) {
        String me = PortalSession.signedInUser(request);
        ContentReport report = reports.report(reportId).orElse(null);
        actions.run(request, flash, "delete report", reportId, report == null ? null : report.tenantId(), () -> {
            String role = permitted(me, report);
            reports.delete(report.reportId());
            return role;
        });
        return redirect(report);
    }

    /** The role that lets {@code me} handle the report; unknown reports and other tenants' answer alike. */
    private String permitted(String me, ContentReport report) {
        if (report == null || !access.may(me, TenantRoles.REPORTS_READ, report.tenantId())) {
            throw MatrixException.notFound("No such report, or not one you may see.");
        }
        return access.require(me, TenantRoles.REPORTS_READ, report.tenantId());
    }

    private static String redirect(ContentReport report) {
        return report == null ? "redirect:/admin/reports" : "redirect:/admin/reports?tenant=" + report.tenantId();
    }
}

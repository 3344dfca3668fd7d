package org.bollwerk.portal;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.tenant.TenantRoles;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.ui.Model;

/** What every portal page shows: who is signed in, the CSRF token for its forms, the menu entries allowed. */
@ControllerAdvice(assignableTypes = {SignInController.class, DashboardController.class, UserPages.class,
        TenantPages.class, RoomPages.class, EnrolmentTokenPages.class, AuditPage.class, ApiTokenPage.class, ReportPages.class,
        AlertPages.class, ServiceAccountPages.class})
class PortalModel {
    private static final TimeFormat FORMAT = new TimeFormat();
    private final PortalAccess access;

    PortalModel(PortalAccess access) {
        this.access = access;
    }

    @ModelAttribute
    void common(HttpServletRequest request, Model model) {
        model.addAttribute("csrf", PortalSession.csrfToken(request, true));
        model.addAttribute("fmt", FORMAT);
        String me = PortalSession.signedInUser(request);
        model.addAttribute("me", me);
        if (me == null) return;
        model.addAttribute("operator", access.operator(me));
        model.addAttribute("navUsers", !access.tenants(me, TenantRoles.USERS_READ).isEmpty());
        model.addAttribute("navTenants", !access.tenants(me, TenantRoles.TENANT_READ).isEmpty());
        model.addAttribute("navTokens", !access.tenants(me, TenantRoles.REGISTRATION_TOKENS).isEmpty());
        model.addAttribute("navReports", !access.tenants(me, TenantRoles.REPORTS_READ).isEmpty());
        model.addAttribute("navAudit", !access.tenants(me, TenantRoles.AUDIT_READ).isEmpty());
        model.addAttribute("navAlerts", !access.tenants(me, TenantRoles.ALERTS_SEND).isEmpty());
    }
}

package org.bollwerk.portal;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.alerts.AlertRequest;
import org.bollwerk.alerts.AlertService;
import org.bollwerk.alerts.AlertStatus;
import org.bollwerk.tenant.TenantRoles;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.Arrays;
import java.util.List;

/**
 * Alerts (docs/alerts.md) of the tenants where the admin holds {@code alerts.send}: the latest alerts with their
 * figures (with {@code live=1} the page reloads itself every 10 seconds) and a form to send one. Sending and
 * every view are recorded in the audit log.
 */
@Controller
class AlertPages {
    private static final int PAGE = 50;
    private final PortalAccess access;
    private final PortalActions actions;
    private final AlertService alerts;

    AlertPages(PortalAccess access, PortalActions actions, AlertService alerts) {
        this.access = access;
        this.actions = actions;
        this.alerts = alerts;
    }

    @GetMapping("/admin/alerts")
    String list(HttpServletRequest request, @RequestParam(required = false) String tenant,
                @RequestParam(required = false) String live, Model model) {
        String me = PortalSession.signedInUser(request);
        List<String> allowed = access.tenants(me, TenantRoles.ALERTS_SEND);
        // After sending, the page shows the tenant the alert went to, live (flash attributes of the redirect).
        Object sentTo = model.getAttribute("sentTenant");
        String wanted = tenant != null ? tenant : sentTo instanceof String s ? s : null;
        String shown = wanted != null && allowed.contains(wanted) ? wanted : allowed.isEmpty() ? null : allowed.getFirst();
        List<AlertStatus> list = shown == null ? List.of() : alerts.list(shown, null, PAGE);
        actions.record(me, shown == null ? null : access.roleFor(me, TenantRoles.ALERTS_SEND, shown).orElse(null),
                "read alerts", null, shown, request, shown == null ? 403 : 200);
        model.addAttribute("tenants", allowed);
        model.addAttribute("tenant", shown);
        model.addAttribute("alerts", list);
        model.addAttribute("live", "1".equals(live) || model.getAttribute("sentAlert") != null);
        return "portal/alerts";
    }

    @PostMapping("/admin/alerts")
    String send(HttpServletRequest request, RedirectAttributes flash, @RequestParam(defaultValue = "") String tenant,
                @RequestParam(defaultValue = "") String body, @RequestParam(defaultValue = "") String groups) {
        String me = PortalSession.signedInUser(request);
        List<String> groupIds = Arrays.stream(groups.split(",")).map(String::strip).filter(g -> !g.isEmpty()).toList();
        actions.run(request, flash, "send alert", null, tenant, () -> {
            String role = access.require(me, TenantRoles.ALERTS_SEND, tenant);
            String alertId = alerts.send(tenant, me, new AlertRequest(body, groupIds, null, List.of(), null));
            flash.addFlashAttribute("sentAlert", alertId);
            return role;
        });
        flash.addFlashAttribute("sentTenant", tenant);
        return "redirect:/admin/alerts";
    }
}

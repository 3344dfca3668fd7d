package org.bollwerk.portal;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.audit.AuditEntry;
import org.bollwerk.audit.AuditTrail;
import org.bollwerk.tenant.TenantRoles;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

import java.util.List;

/**
 * The audit trail, newest first, of one tenant or (operators) all. Reading it is itself recorded.
 */
@Controller
class AuditPage {
    private static final int PAGE = 100;
    private final PortalAccess access;
    private final PortalActions actions;
    private final AuditTrail audit;

    AuditPage(PortalAccess access, PortalActions actions, AuditTrail audit) {
        this.access = access;
        this.actions = actions;
        this.audit = audit;
    }

    @GetMapping("/admin/audit")
    String list(HttpServletRequest request, @RequestParam(required = false) String tenant,
                @RequestParam(required = false) String before, Model model) {
        String me = PortalSession.signedInUser(request);
        List<String> readable = access.tenants(me, TenantRoles.AUDIT_READ);
        boolean operator = access.operator(me);
        String shown = tenant != null && !tenant.isEmpty() && readable.contains(tenant) ? tenant
                : operator || readable.isEmpty() ? null : readable.getFirst();
        Long beforeId = parse(before);
        List<AuditEntry> entries = readable.isEmpty() ? List.of() : audit.recent(shown, beforeId, PAGE);
        actions.record(me, readable.isEmpty() ? null : access.roleFor(me, TenantRoles.AUDIT_READ, shown).orElse(null),
                "read audit log", null, shown, request, readable.isEmpty() ? 403 : 200);
        model.addAttribute("tenants", readable);
        model.addAttribute("tenant", shown);
        model.addAttribute("entries", entries);
        model.addAttribute("next", entries.size() == PAGE ? entries.getLast().id() : null);
        return "portal/audit";
    }

    private static Long parse(String text) {
        try {
            return text == null || text.isEmpty() ? null : Long.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

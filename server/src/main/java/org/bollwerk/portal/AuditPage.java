package org.bollwerk.portal;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.audit.AuditEntry;
import org.bollwerk.audit.AuditQuery;
import org.bollwerk.audit.AuditTrail;
import org.bollwerk.audit.AuditVerifier;
import org.bollwerk.tenant.TenantRoles;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The audit trail, newest first, of one tenant or (operators) all, searchable by time, actor, action, target
 * and outcome; operators can check the hash chain. Reading and verifying are themselves recorded.
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

    /** The search form's fields as typed (dates as {@code yyyy-MM-dd}, UTC); blank means "any". */
    record Search(String from, String to, String actor, String action, String target, String outcome) {
        AuditQuery query(Long beforeId) {
            return new AuditQuery(day(from, 0), day(to, 1), blank(actor), blank(action), blank(target), blank(outcome),
                    beforeId);
        }
    }

    @GetMapping("/admin/audit")
    String list(HttpServletRequest request, @RequestParam(required = false) String tenant,
                @RequestParam(required = false) String before, @RequestParam(required = false) String from,
                @RequestParam(required = false) String to, @RequestParam(required = false) String actor,
                @RequestParam(required = false) String action, @RequestParam(required = false) String target,
                @RequestParam(required = false) String outcome, Model model) {
        String me = PortalSession.signedInUser(request);
        List<String> readable = access.tenants(me, TenantRoles.AUDIT_READ);
        boolean operator = access.operator(me);
        String shown = tenant != null && !tenant.isEmpty() && readable.contains(tenant) ? tenant
                : operator || readable.isEmpty() ? null : readable.getFirst();
        Search search = new Search(from, to, actor, action, target, outcome);
        List<AuditEntry> entries = readable.isEmpty() ? List.of() : audit.search(search.query(parse(before)), shown, PAGE);
        actions.record(me, readable.isEmpty() ? null : access.roleFor(me, TenantRoles.AUDIT_READ, shown).orElse(null),
                "read audit log", null, shown, request, readable.isEmpty() ? 403 : 200);
        model.addAttribute("tenants", readable);
        model.addAttribute("tenant", shown);
        model.addAttribute("search", search);
        model.addAttribute("entries", entries);
        model.addAttribute("next", entries.size() == PAGE ? entries.getLast().id() : null);
        return "portal/audit";
    }

    /** Checks the whole stored chain against its signed checkpoints (operators only, as in the admin API). */
    @PostMapping("/admin/audit/verify")
    String verify(HttpServletRequest request, RedirectAttributes flash) {
        String me = PortalSession.signedInUser(request);
        AtomicReference<AuditVerifier.Result> result = new AtomicReference<>();
        actions.run(request, flash, "verify audit log", null, null, () -> {
            if (!access.operator(me)) throw new PortalAccess.Forbidden("operator", null);
            result.set(audit.verify(List.of()));
            return PortalAccess.OPERATOR;
        });
        if (result.get() != null) flash.addFlashAttribute("verification", result.get());
        return "redirect:/admin/audit";
    }

    private static Long parse(String text) {
        try {
            return text == null || text.isEmpty() ? null : Long.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Start of the given UTC day plus {@code plusDays}, in epoch milliseconds; null for blank or malformed. */
    private static Long day(String text, int plusDays) {
        if (text == null || text.isBlank()) return null;
        try {
            return LocalDate.parse(text.strip()).plusDays(plusDays).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String blank(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}

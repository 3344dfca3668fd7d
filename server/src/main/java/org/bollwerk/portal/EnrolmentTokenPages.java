package org.bollwerk.portal;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.account.RegistrationToken;
import org.bollwerk.account.RegistrationTokens;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.tenant.TenantRoles;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.ArrayList;
import java.util.List;

/** Enrolment (registration) tokens of the tenants the admin manages: list, create, delete. */
@Controller
class EnrolmentTokenPages {
    private static final long DAY_MS = 86_400_000L;
    private final PortalAccess access;
    private final PortalActions actions;
    private final RegistrationTokens tokens;

    EnrolmentTokenPages(PortalAccess access, PortalActions actions, RegistrationTokens tokens) {
        this.access = access;
        this.actions = actions;
        this.tokens = tokens;
    }

    @GetMapping("/admin/tokens")
    String list(HttpServletRequest request, Model model) {
        String me = PortalSession.signedInUser(request);
        List<String> managed = access.tenants(me, TenantRoles.REGISTRATION_TOKENS);
        List<RegistrationToken> all = new ArrayList<>();
        for (String tenantId : managed) all.addAll(tokens.tokens(tenantId, null));
        model.addAttribute("tenants", managed);
        model.addAttribute("tokens", all);
        model.addAttribute("now", System.currentTimeMillis());
        return "portal/tokens";
    }

    @PostMapping("/admin/tokens")
    String create(HttpServletRequest request, RedirectAttributes flash, @RequestParam(defaultValue = "") String tenant,
                  @RequestParam(defaultValue = "1") String uses, @RequestParam(defaultValue = "7") String days) {
        String me = PortalSession.signedInUser(request);
        actions.run(request, flash, "create enrolment token", null, tenant, () -> {
            String role = access.require(me, TenantRoles.REGISTRATION_TOKENS, tenant);
            long usesAllowed = number(uses, 1, 100_000);
            long validDays = number(days, 1, 365);
            RegistrationToken token = tokens.create(null, 24, usesAllowed, System.currentTimeMillis() + validDays * DAY_MS, tenant);
            flash.addFlashAttribute("newToken", token.token());
            return role;
        });
        return "redirect:/admin/tokens";
    }

    @PostMapping("/admin/tokens/delete")
    String delete(HttpServletRequest request, RedirectAttributes flash, @RequestParam(defaultValue = "") String token) {
        String me = PortalSession.signedInUser(request);
        String tenantId = tokens.token(token).map(RegistrationToken::tenantId).orElse(null);
        actions.run(request, flash, "delete enrolment token", token.length() > 4 ? token.substring(0, 4) + "…" : token, tenantId, () -> {
            if (tenantId == null) throw MatrixException.notFound("No such token");
            String role = access.require(me, TenantRoles.REGISTRATION_TOKENS, tenantId);
            tokens.delete(token);
            return role;
        });
        return "redirect:/admin/tokens";
    }

    private static long number(String text, long min, long max) {
        try {
            long value = Long.parseLong(text.strip());
            if (value >= min && value <= max) return value;
        } catch (NumberFormatException ignored) {
            // falls through to the error below
        }
        throw MatrixException.invalidParam("Enter a number from " + min + " to " + max);
    }
}

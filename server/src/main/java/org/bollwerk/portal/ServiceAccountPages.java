package org.bollwerk.portal;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.account.ServiceAccount;
import org.bollwerk.account.ServiceAccounts;
import org.bollwerk.account.TokenScope;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.tenant.TenantRoles;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Admin service accounts for automation (cron jobs, synapse-admin): create one within your own rights, see
 * when each was last used, revoke at once. Portal sessions always passed the second factor, so this page may
 * create them; operators see all, others their own. The rules themselves live in {@link ServiceAccounts}.
 */
@Controller
class ServiceAccountPages {
    private static final long DAY_MS = 86_400_000L;
    private final PortalAccess access;
    private final PortalActions actions;
    private final ServiceAccounts serviceAccounts;

    ServiceAccountPages(PortalAccess access, PortalActions actions, ServiceAccounts serviceAccounts) {
        this.access = access;
        this.actions = actions;
        this.serviceAccounts = serviceAccounts;
    }

    @GetMapping("/admin/service-accounts")
    String list(HttpServletRequest request, Model model) {
        String me = PortalSession.signedInUser(request);
        boolean operator = access.operator(me);
        List<String> words = new ArrayList<>(TenantRoles.PERMISSIONS);
        if (operator) words.addAll(ServiceAccounts.OPERATOR_WORDS);
        java.util.Set<String> tenantChoices = new java.util.LinkedHashSet<>();
        if (operator) tenantChoices.add(TokenScope.ALL_TENANTS);
        for (String word : TenantRoles.PERMISSIONS) tenantChoices.addAll(access.tenants(me, word));
        model.addAttribute("serviceAccounts", serviceAccounts.list(operator ? null : me));
        model.addAttribute("permissionWords", words);
        model.addAttribute("tenantChoices", tenantChoices);
        model.addAttribute("maxDays", serviceAccounts.maxLifetime().toDays());
        model.addAttribute("now", System.currentTimeMillis());
        return "portal/service-accounts";
    }

    @PostMapping("/admin/service-accounts")
    String create(HttpServletRequest request, RedirectAttributes flash, @RequestParam(defaultValue = "") String name,
                  @RequestParam(name = "permission", required = false) List<String> permissions,
                  @RequestParam(name = "tenant", required = false) List<String> tenantIds,
                  @RequestParam(defaultValue = "") String sources, @RequestParam(defaultValue = "30") String days) {
        String me = PortalSession.signedInUser(request);
        String tenantId = tenantIds == null || tenantIds.size() != 1 ? null : tenantIds.getFirst();
        actions.run(request, flash, "create service account", name, tenantId, () -> {
            long validDays = number(days, serviceAccounts.maxLifetime().toDays());
            ServiceAccounts.Created created = serviceAccounts.create(me, new ServiceAccounts.Request(name,
                    permissions == null ? List.of() : permissions, tenantIds == null ? List.of() : tenantIds,
                    Arrays.stream(sources.split("[,\\s]+")).filter(s -> !s.isBlank()).toList(),
                    System.currentTimeMillis() + validDays * DAY_MS));
            flash.addFlashAttribute("newToken", created.token());
            flash.addFlashAttribute("newId", created.account().id());
            return access.operator(me) ? PortalAccess.OPERATOR : "own rights";
        });
        return "redirect:/admin/service-accounts";
    }

    @PostMapping("/admin/service-accounts/revoke")
    String revoke(HttpServletRequest request, RedirectAttributes flash, @RequestParam(defaultValue = "") String id) {
        String me = PortalSession.signedInUser(request);
        actions.run(request, flash, "revoke service account", id, null, () -> {
            boolean operator = access.operator(me);
            ServiceAccount account = serviceAccounts.get(id).filter(found -> operator || found.createdBy().equals(me))
                    .orElseThrow(() -> MatrixException.notFound("No such service account"));
            serviceAccounts.revoke(account.id());
            return operator ? PortalAccess.OPERATOR : "creator";
        });
        return "redirect:/admin/service-accounts";
    }

    private static long number(String text, long max) {
        try {
            long value = Long.parseLong(text.strip());
            if (value >= 1 && value <= max) return value;
        } catch (NumberFormatException ignored) {
            // falls through to the error below
        }
        throw MatrixException.invalidParam("Enter a number of days from 1 to " + max);
    }
}

package org.bollwerk.portal;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.account.AccountService;
import org.bollwerk.account.UserAccount;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Issues a short-lived admin API token after the two-factor sign-in: with
 * {@code bollwerk.admin.require-second-factor} on, the admin API accepts no other token.
 */
@Controller
class ApiTokenPage {
    private final SecondFactor secondFactor;
    private final PortalActions actions;
    private final AccountService accounts;

    ApiTokenPage(SecondFactor secondFactor, PortalActions actions, AccountService accounts) {
        this.secondFactor = secondFactor;
        this.actions = actions;
        this.accounts = accounts;
    }

    @GetMapping("/admin/api-token")
    String page() {
        return "portal/api-token";
    }

    @PostMapping("/admin/api-token")
    String issue(HttpServletRequest request, RedirectAttributes flash) {
        String me = PortalSession.signedInUser(request);
        String tenantId = accounts.user(me).map(UserAccount::tenantId).orElse(null);
        SecondFactor.IssuedToken token = secondFactor.issueApiToken(me, request.getRemoteAddr());
        actions.record(me, null, "issue admin API token", token.deviceId(), tenantId, request, 200);
        flash.addFlashAttribute("apiToken", token.accessToken());
        flash.addFlashAttribute("expires", token.expiresTs());
        return "redirect:/admin/api-token";
    }
}

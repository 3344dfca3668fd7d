package org.bollwerk.portal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.bollwerk.account.AccountService;
import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * The second factor protects the admin API too: with {@code bollwerk.admin.require-second-factor} on (the
 * default), the admin API accepts only access tokens the portal issued after a two-factor sign-in; a token
 * from a plain password login gets 403. Missing or invalid tokens are left to the endpoint's own 401.
 * Service-account tokens are no access tokens and pass here; the admin API checks their scope. Managing
 * service accounts needs a portal-issued token even with the setting off.
 */
@Component
class AdminApiSecondFactor implements HandlerInterceptor {
    private final AccountService accounts;
    private final SecondFactor secondFactor;
    private final boolean required;

    AdminApiSecondFactor(AccountService accounts, SecondFactor secondFactor,
                         @Value("${bollwerk.admin.require-second-factor:true}") boolean required) {
        this.accounts = accounts;
        this.secondFactor = secondFactor;
        this.required = required;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        Object route = request.getAttribute(org.springframework.web.servlet.HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        // service accounts are made only by a person who passed the second factor, whatever the setting says
        boolean managesServiceAccounts = route instanceof String r && r.startsWith("/_bollwerk/admin/v1/service-accounts");
        if (!required && !managesServiceAccounts) return true;
        if (org.bollwerk.account.AccessTokens.inQueryString(request.getQueryString())) return true;   // refused there with 401
        String token = bearer(request);
        if (token == null) return true;
        Requester requester;
        try {
            requester = accounts.authenticate(token);
        } catch (MatrixException e) {
            return true;   // the endpoint answers with the spec's 401
        }
        if (!secondFactor.isSecondFactorToken(requester.tokenHash())) {
            request.setAttribute(Requester.class.getName(), requester);   // so the audit trail names the caller
            throw MatrixException.forbidden("The admin API needs an access token from the admin portal "
                    + "(sign in with your second factor, page 'API token')");
        }
        return true;
    }

    private static String bearer(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = header.substring(7).trim();
            return token.isEmpty() ? null : token;
        }
        return null;   // a token in the query string is refused where the endpoint resolves its caller
    }
}

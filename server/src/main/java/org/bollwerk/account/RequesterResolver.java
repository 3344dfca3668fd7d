package org.bollwerk.account;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.util.List;

/**
 * Every controller parameter of type {@link Requester} means "this endpoint needs an access token":
 * authentication cannot be forgotten on a new endpoint that needs to know its caller.
 */
@Configuration(proxyBeanMethods = false)
class RequesterResolver implements HandlerMethodArgumentResolver, WebMvcConfigurer {
    static final String ATTRIBUTE = Requester.class.getName();
    private final AccountService accounts;
    private final ServiceAccounts serviceAccounts;

    RequesterResolver(AccountService accounts, ServiceAccounts serviceAccounts) {
        this.accounts = accounts;
        this.serviceAccounts = serviceAccounts;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(this);
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Requester.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest webRequest,
                                  WebDataBinderFactory binderFactory) {
        HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
        Object cached = request.getAttribute(ATTRIBUTE);
        if (cached instanceof Requester requester) return requester;
        String token = tokenOf(request);
        if (token == null) throw new MatrixException(ErrCode.M_MISSING_TOKEN, "Missing access token");
        if (ServiceAccounts.isServiceAccountToken(token)) return serviceAccount(request, token);
        AccountService.Authenticated authenticated = accounts.authenticateWithState(token, isLogout(request));
        if (authenticated.suspended()) SuspensionRules.check(request);
        request.setAttribute(ATTRIBUTE, authenticated.requester());
        return authenticated.requester();
    }

    /** The spec lets locked accounts use {@code /logout} and {@code /logout/all} (and nothing else). */
    static boolean isLogout(HttpServletRequest request) {
        Object matched = request.getAttribute(org.springframework.web.servlet.HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        return "POST".equals(request.getMethod()) && matched instanceof String pattern
                && (pattern.endsWith("/logout") || pattern.endsWith("/logout/all")) && pattern.startsWith("/_matrix/client/");
    }

    /**
     * Service-account tokens reach the admin API only (decided by the matched route, not the raw path); anywhere
     * else they are unknown tokens. Noted on the request before the source check, so a refusal names the account.
     */
    private Requester serviceAccount(HttpServletRequest request, String token) {
        Object pattern = request.getAttribute(org.springframework.web.servlet.HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        if (!(pattern instanceof String route) || !isAdminRoute(route)) throw AccountService.unknownToken();
        Requester requester = serviceAccounts.authenticate(token);
        request.setAttribute(ATTRIBUTE, requester);
        serviceAccounts.requireAllowedSource(requester, request.getRemoteAddr());
        return requester;
    }

    static boolean isAdminRoute(String route) {
        return route.startsWith("/_bollwerk/admin/") || route.startsWith("/_synapse/admin/");
    }

    /** Read from the query string itself: asking for parameters could make the container parse a form body. */
    static boolean hasQueryToken(String query) {
        return AccessTokens.inQueryString(query);
    }

    static String tokenOf(HttpServletRequest request) {
        // the spec deprecated tokens in the query string (v1.11): they end up in access logs, proxy logs and
        // browser histories; every current client sends the header, authenticated media included
        if (hasQueryToken(request.getQueryString())) {
            throw new MatrixException(ErrCode.M_MISSING_TOKEN, "Access tokens in the query string are not accepted; "
                    + "send the token in the 'Authorization: Bearer' header");
        }
        String header = request.getHeader("Authorization");
        if (header != null) {
            if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                String token = header.substring(7).trim();
                return token.isEmpty() ? null : token;
            }
            throw new MatrixException(ErrCode.M_MISSING_TOKEN, "Authorization header must use the Bearer scheme");
        }
        return null;
    }
}

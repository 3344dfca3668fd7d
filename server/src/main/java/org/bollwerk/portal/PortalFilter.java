package org.bollwerk.portal;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.bollwerk.account.AccountService;
import org.bollwerk.web.RequestPaths;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The portal's gate, in front of every {@code /admin} request: a strict Content-Security-Policy (only the
 * portal's own scripts, styles and images; no inline code), no caching, the idle timeout, CSRF tokens on
 * every state-changing request, and sign-in: pages need both steps, the second-factor pages the password
 * step, and the account must still be allowed in (checked on every request). Browsers are sent to the
 * sign-in page; other callers get a Matrix-style 401.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class PortalFilter extends OncePerRequestFilter {
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    static final String PREFIX = "/admin";

    private final PortalProperties settings;
    private final PortalAccess access;
    private final PortalActions actions;
    private final AccountService accounts;

    PortalFilter(PortalProperties settings, PortalAccess access, PortalActions actions, AccountService accounts) {
        this.settings = settings;
        this.access = access;
        this.actions = actions;
        this.accounts = accounts;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // the path as the router reads it, not the raw URI: "/%61dmin/users" must not walk around this gate
        return !RequestPaths.under(RequestPaths.routed(request), PREFIX);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = RequestPaths.routed(request).substring(PREFIX.length());
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        if (path.startsWith("/static/")) {
            chain.doFilter(request, response);
            return;
        }
        HttpSession session = request.getSession(false);
        if (session != null) session.setMaxInactiveInterval((int) settings.sessionTimeout().toSeconds());
        if (!safeMethod(request.getMethod()) && !csrfValid(request)) {
            refuse(response, 403, "M_FORBIDDEN", "The form has expired or did not come from the portal; reload the page");
            return;
        }
        endIfNoLongerAllowed(request);
        boolean open = path.equals("/login") || path.equals("/language");
        boolean secondFactorStep = path.startsWith("/second-factor");
        if (open || (secondFactorStep && PortalSession.passwordUser(request) != null)
                || PortalSession.signedInUser(request) != null) {
            chain.doFilter(request, response);
            return;
        }
        String accept = request.getHeader("Accept");
        if ("GET".equals(request.getMethod()) && accept != null && accept.contains("text/html")) {
            response.setStatus(303);
            response.setHeader("Location", PREFIX + "/login");
            return;
        }
        refuse(response, 401, "M_UNAUTHORIZED", "Sign in to the admin portal first");
    }

    /**
     * A session is only as good as the account behind it, re-checked on every request as every access token
     * is: locked, deactivated, tenant disabled, shut out by the sign-in policy, no role left, or the password
     * reset since sign-in (which ends the account's tokens too) — the session ends at once and the request is
     * treated as signed out.
     */
    private void endIfNoLongerAllowed(HttpServletRequest request) {
        String userId = PortalSession.passwordUser(request);
        if (userId == null) return;
        String stamp = PortalSession.passwordStamp(request);
        if (access.mayUsePortal(userId) && stamp != null && stamp.equals(accounts.passwordStamp(userId).orElse(null))) return;
        PortalSession.end(request);
        actions.record(userId, null, "session ended: account may no longer use the portal", userId, null, request, 401);
    }

    private static boolean safeMethod(String method) {
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
    }

    /** The form's {@code _csrf} field must equal the session's token (compared in constant time). */
    private static boolean csrfValid(HttpServletRequest request) {
        String expected = PortalSession.csrfToken(request, false);
        if (expected == null) return false;
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return false;
        }
        String given = request.getParameter("_csrf");
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private static void refuse(HttpServletResponse response, int status, String errcode, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getWriter().write("{\"errcode\":\"" + errcode + "\",\"error\":\"" + message + "\"}");
    }
}

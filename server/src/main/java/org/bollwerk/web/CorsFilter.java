package org.bollwerk.web;

import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Browser-based Matrix clients (Element Web) call the API cross-origin; the spec asks for open CORS on
 * the client API. Tokens travel in the Authorization header, never cookies, so this is safe. The admin
 * portal (cookie sessions) and the metrics get no CORS headers at all.
 * Also sets the security headers every response carries.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class CorsFilter extends OncePerRequestFilter {
    /** Also on error dispatches: Tomcat refuses some requests (TRACE) before any filter ran, then forwards to /error. */
    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    /**
     * The portal's pages and the metrics are for a browser on their own origin (or none): no other site may
     * read them. The Matrix APIs, the admin APIs included (browser admin tools such as synapse-admin call them
     * from their own origin, with a bearer token, never a cookie), stay open. Decided on every reading of the
     * path, so an odd spelling errs towards no CORS.
     */
    static boolean openToOtherOrigins(HttpServletRequest request) {
        return !RequestPaths.underInAnyReading(request, "/admin")
                && !RequestPaths.underInAnyReading(request, "/_bollwerk/actuator");
    }

    @Override
    @SuppressFBWarnings(value = "PERMISSIVE_CORS",
            justification = "The Matrix spec requires open CORS; tokens travel in the Authorization header, never cookies")
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        SecurityHeaders.apply(request, response);
        if (!openToOtherOrigins(request)) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader("Access-Control-Allow-Origin", "*");
        response.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
        response.setHeader("Access-Control-Allow-Headers", "X-Requested-With, Content-Type, Authorization, Date");
        if ("OPTIONS".equals(request.getMethod())) {
            response.setStatus(200);
            response.setContentType("application/json");
            response.getWriter().write("{}");
            return;
        }
        chain.doFilter(request, response);
    }
}

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
 * the client API. Tokens travel in the Authorization header, never cookies, so this is safe.
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

    @Override
    @SuppressFBWarnings(value = "PERMISSIVE_CORS",
            justification = "The Matrix spec requires open CORS; tokens travel in the Authorization header, never cookies")
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Access-Control-Allow-Origin", "*");
        response.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
        response.setHeader("Access-Control-Allow-Headers", "X-Requested-With, Content-Type, Authorization, Date");
        SecurityHeaders.apply(request, response);
        if ("OPTIONS".equals(request.getMethod())) {
            response.setStatus(200);
            response.setContentType("application/json");
            response.getWriter().write("{}");
            return;
        }
        chain.doFilter(request, response);
    }
}

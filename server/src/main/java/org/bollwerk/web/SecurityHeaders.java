package org.bollwerk.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The hardening headers every response carries, whoever writes it (filters, Spring, Tomcat's error valve). */
final class SecurityHeaders {
    /** The API serves JSON only: nothing may load, run or frame it. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    /** A year, as HSTS preload lists ask; not includeSubDomains: other hosts of the domain are not ours to pin. */
    static final String STRICT_TRANSPORT_SECURITY = "max-age=31536000";

    static void apply(HttpServletRequest request, HttpServletResponse response) {
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        // HTTPS here, or at a proxy that says so (X-Forwarded-Proto with server.forward-headers-strategy)
        if (request.isSecure()) response.setHeader("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
    }
}

package org.bollwerk.web;

import jakarta.servlet.http.HttpServletResponse;

/** The hardening headers every response carries, whoever writes it (filters, Spring, Tomcat's error valve). */
final class SecurityHeaders {
    /** The API serves JSON only: nothing may load, run or frame it. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    static void apply(HttpServletResponse response) {
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    }
}

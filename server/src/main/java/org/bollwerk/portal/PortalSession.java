package org.bollwerk.portal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * What a portal session holds: who passed the password step, whether the second factor was passed too,
 * and the CSRF token of the session. Sign-in steps change the session ID (no session fixation).
 */
final class PortalSession {
    static final String USER = "bollwerk.portal.user";
    static final String SIGNED_IN = "bollwerk.portal.signedIn";
    static final String CSRF = "bollwerk.portal.csrf";
    static final String PASSWORD_STAMP = "bollwerk.portal.passwordStamp";
    private static final SecureRandom RANDOM = new SecureRandom();

    private PortalSession() {
    }

    /** The user who passed the password step, or null. */
    static String passwordUser(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        return session == null ? null : (String) session.getAttribute(USER);
    }

    /** The user who passed both steps, or null. */
    static String signedInUser(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null || !Boolean.TRUE.equals(session.getAttribute(SIGNED_IN))) return null;
        return (String) session.getAttribute(USER);
    }

    /** The password step passed; {@code passwordStamp} identifies the password used, so a later reset ends the session. */
    static void passwordPassed(HttpServletRequest request, String userId, String passwordStamp) {
        request.changeSessionId();
        HttpSession session = request.getSession();
        session.setAttribute(USER, userId);
        session.setAttribute(PASSWORD_STAMP, passwordStamp);
        session.setAttribute(SIGNED_IN, Boolean.FALSE);
        session.setAttribute(CSRF, newToken());
    }

    /** The fingerprint of the password the session was opened with, or null. */
    static String passwordStamp(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        return session == null ? null : (String) session.getAttribute(PASSWORD_STAMP);
    }

    static void secondFactorPassed(HttpServletRequest request) {
        request.changeSessionId();
        HttpSession session = request.getSession();
        session.setAttribute(SIGNED_IN, Boolean.TRUE);
        session.setAttribute(CSRF, newToken());
    }

    static void end(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) session.invalidate();
    }

    /** The session's CSRF token; creates the session (for the sign-in form) when asked to. */
    static String csrfToken(HttpServletRequest request, boolean create) {
        HttpSession session = request.getSession(create);
        if (session == null) return null;
        String token = (String) session.getAttribute(CSRF);
        if (token == null) {
            token = newToken();
            session.setAttribute(CSRF, token);
        }
        return token;
    }

    private static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

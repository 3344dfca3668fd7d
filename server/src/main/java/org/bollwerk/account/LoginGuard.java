package org.bollwerk.account;

/**
 * Checked before a password is verified, so that guessing is throttled (rate limits per IP and user).
 * Implemented by the rate-limit feature; the default lets everything through.
 */
public interface LoginGuard {
    /** Throws {@code M_LIMIT_EXCEEDED} when this attempt must wait. */
    void beforeLogin(String clientIp, String userId);
}

package org.bollwerk.account;

/**
 * An enrolment token: registrations with it join {@code tenantId}. {@code usesAllowed} and
 * {@code expiryTime} (milliseconds) are null when unlimited.
 */
public record RegistrationToken(String token, String tenantId, Long usesAllowed, long pending, long completed,
                                Long expiryTime) {
    /** Whether it may still be used at {@code now}. */
    public boolean validAt(long now) {
        return (usesAllowed == null || pending + completed < usesAllowed) && (expiryTime == null || expiryTime > now);
    }
}

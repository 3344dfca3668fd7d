package org.bollwerk.keys;

/**
 * The key-encryption key could not be opened at start (missing key file, wrong HSM PIN, a key that does not
 * match the database). Carries what happened and what to do apart, so that {@link KeyStartFailureAnalyzer}
 * ends the start in the same short "Description / Action" block Spring Boot gives bad settings, instead of a
 * long stack trace. Never carries a secret (PIN, key bytes).
 */
public class KeyStartException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final String description;
    private final String action;

    KeyStartException(String description, String action, Throwable cause) {
        super(description + " " + action, cause);
        this.description = description;
        this.action = action;
    }

    KeyStartException(String description, String action) {
        this(description, action, null);
    }

    public String description() {
        return description;
    }

    public String action() {
        return action;
    }
}

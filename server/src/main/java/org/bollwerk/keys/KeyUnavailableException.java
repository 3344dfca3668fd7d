package org.bollwerk.keys;

/** A value cannot be decrypted: its tenant's keys were shredded, or it was altered or moved to another row. */
public class KeyUnavailableException extends RuntimeException {
    private final boolean shredded;

    KeyUnavailableException(String message, boolean shredded, Throwable cause) {
        super(message, cause);
        this.shredded = shredded;
    }

    /** True when the data is gone for good because the tenant's keys were destroyed on purpose. */
    public boolean shredded() {
        return shredded;
    }
}

package org.bollwerk.tenant;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.Optional;

/** Whether a tenant's users may log in and use their tokens. Stored and shown in lower case. */
public enum TenantStatus {
    ACTIVE, DISABLED;

    /** The word stored in {@code tenants.status} and shown by the admin API. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<TenantStatus> fromWire(String value) {
        for (TenantStatus status : values()) {
            if (status.wire().equals(value)) return Optional.of(status);
        }
        return Optional.empty();
    }

    static TenantStatus stored(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalStateException("Unknown tenant status in the database: " + value));
    }
}

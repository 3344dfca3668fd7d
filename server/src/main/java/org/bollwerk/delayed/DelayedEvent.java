package org.bollwerk.delayed;

import tools.jackson.databind.node.ObjectNode;

/**
 * One delayed event as stored. {@code stateKey} null for a message event; {@code finalisedTs}, {@code finalisedBy},
 * {@code eventId} and {@code error} (the JSON of a standard error response) are set once it is no longer scheduled.
 */
record DelayedEvent(String delayId, String userId, String deviceId, String tenantId, String roomId, String type,
                    String stateKey, ObjectNode content, long delayMs, long runningSince, long sendAt, Status status,
                    Long finalisedTs, String finalisedBy, String eventId, String error) {

    /** Why a delayed event stopped being scheduled, as the MSC's {@code reason} names it. */
    static final String BY_ACTION = "action";
    static final String BY_DELAY = "delay";
    static final String BY_ERROR = "error";

    enum Status {
        SCHEDULED, SENT, CANCELLED, FAILED;

        String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Status of(String value) {
            return valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }
}

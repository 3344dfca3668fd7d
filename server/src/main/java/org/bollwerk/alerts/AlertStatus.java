package org.bollwerk.alerts;

import java.util.List;

/**
 * An alert and how far it got. {@code figures} count the alert's recipients; {@code escalation} those reached
 * only by its escalation (zero when it did not escalate). {@code pending}: recipients who have not acknowledged.
 */
public record AlertStatus(String alertId, String tenantId, String sentBy, String body, List<String> groups,
                          long createdTs, String roomId, String eventId, Long deliveredTs, int remindersSent,
                          List<String> escalateToGroups, Long escalatedTs, Long completedTs, Figures figures,
                          Figures escalation, List<String> pending) {

    /** How many recipients there are, and how many of them the alert was delivered to, read by and acknowledged by. */
    public record Figures(int recipients, int delivered, int read, int acknowledged) {
    }

    /** One recipient's times (ms since the epoch; null: not yet), for the export. */
    public record Recipient(String userId, boolean escalation, Long deliveredTs, Long readTs, Long acknowledgedTs) {
    }
}

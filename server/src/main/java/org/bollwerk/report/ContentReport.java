package org.bollwerk.report;

/**
 * One report as an admin sees it. {@code kind} is {@code event}, {@code room} or {@code user};
 * {@code targetUserId} is the reported user, or the sender of a reported event. {@code reason} is null when
 * none was given or the tenant's keys were shredded. {@code resolvedTs}/{@code resolvedBy} are null while the
 * report is open.
 */
public record ContentReport(String reportId, String tenantId, String reporter, String kind, String roomId,
                            String eventId, String targetUserId, String reason, Integer score, long receivedTs,
                            Long resolvedTs, String resolvedBy) {

    public boolean resolved() {
        return resolvedTs != null;
    }
}

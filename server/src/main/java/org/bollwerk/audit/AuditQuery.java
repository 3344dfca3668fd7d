package org.bollwerk.audit;

/**
 * A search of the audit log; every field is optional (null = any). {@code from}/{@code to}: milliseconds since
 * the epoch, {@code from} inclusive, {@code to} exclusive. {@code action} and {@code target} match any part
 * ({@code users/{userId}} finds every action on users); {@code actor}, {@code outcome} match exactly.
 * Results are newest first; {@code beforeId} pages on (the last ID of the previous page).
 */
public record AuditQuery(Long from, Long to, String actor, String action, String target, String outcome,
                         Long beforeId) {
    public static AuditQuery all() {
        return new AuditQuery(null, null, null, null, null, null, null);
    }
}

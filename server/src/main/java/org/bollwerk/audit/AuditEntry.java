package org.bollwerk.audit;

/**
 * One recorded action. {@code outcome} is {@code ok}, {@code refused} (401/403) or {@code failed} (any other
 * error); {@code role} is what allowed it ({@code operator}, {@code tenant_admin@acme}, ...), null if refused.
 */
public record AuditEntry(long id, long ts, String actor, String role, String action, String target, String tenantId,
                         String clientIp, int status, String outcome) {
}

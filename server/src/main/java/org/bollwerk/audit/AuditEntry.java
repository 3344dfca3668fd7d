package org.bollwerk.audit;

/**
 * One recorded action. {@code outcome} is {@code ok}, {@code refused} (401/403) or {@code failed} (any other
 * error); {@code role} is what allowed it ({@code operator}, {@code tenant_admin@acme}, ...), null if refused.
 * {@code detail} says what changed when the action alone does not (e.g. a role's new permissions). {@code seq}
 * is the entry's place in the hash chain, {@code prevHash} and {@code hash} link it (see {@link AuditChain}).
 */
public record AuditEntry(long id, long ts, String actor, String role, String action, String target, String tenantId,
                         String clientIp, int status, String outcome, String detail, long seq, String prevHash,
                         String hash) {

    /** An entry as recorded before the chain existed (no detail, not chained). */
    public AuditEntry(long id, long ts, String actor, String role, String action, String target, String tenantId,
                      String clientIp, int status, String outcome) {
        this(id, ts, actor, role, action, target, tenantId, clientIp, status, outcome, null, 0, null, null);
    }
}

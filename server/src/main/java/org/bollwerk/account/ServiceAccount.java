package org.bollwerk.account;

import java.util.List;

/**
 * An admin service account: a credential for unattended admin automation (cron jobs, synapse-admin,
 * provisioning scripts), acting for the account that created it and restricted to a scope. The token is
 * not part of it: only its SHA-256 is stored, and it is shown once at creation.
 *
 * @param sources    addresses or CIDR blocks it may be used from; empty means any
 * @param revokedTs  when it was revoked, or null
 * @param lastUsedTs when it was last used, or null
 */
public record ServiceAccount(String id, String name, String createdBy, List<String> permissions, List<String> tenants,
                             List<String> sources, long createdTs, long expiresTs, Long revokedTs, Long lastUsedTs,
                             String lastUsedIp) {

    /** The name the audit trail records for everything it does. */
    public String actor() {
        return ServiceAccounts.ACTOR_PREFIX + id;
    }

    public boolean activeAt(long now) {
        return revokedTs == null && expiresTs > now;
    }
}

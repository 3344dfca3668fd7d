package org.bollwerk.account;

/** A user account as the admin API and other features see it (no password hash). */
public record UserAccount(String userId, String tenantId, boolean admin, boolean deactivated, boolean locked,
                          long createdTs) {
}

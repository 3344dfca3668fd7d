package org.bollwerk.account;

/**
 * The authenticated caller of a request. Controllers declare a parameter of this type to require an
 * access token; the token itself is never kept, only its hash.
 *
 * @param scope null for an account's own access token; for a scoped credential (an admin service account)
 *              what it may do — checked by the admin API on top of the account's own rights
 */
public record Requester(String userId, String deviceId, String tenantId, boolean admin, String tokenHash, TokenScope scope) {

    /** An account's own access token: its full rights. */
    public Requester(String userId, String deviceId, String tenantId, boolean admin, String tokenHash) {
        this(userId, deviceId, tenantId, admin, tokenHash, null);
    }

    /** Who the audit trail names: the account, or the scoped credential acting on its behalf. */
    public String actor() {
        return scope == null ? userId : scope.actor();
    }
}

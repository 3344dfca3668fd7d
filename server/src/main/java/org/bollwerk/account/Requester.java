package org.bollwerk.account;

/**
 * The authenticated caller of a request. Controllers declare a parameter of this type to require an
 * access token; the token itself is never kept, only its hash.
 */
public record Requester(String userId, String deviceId, String tenantId, boolean admin, String tokenHash) {
}

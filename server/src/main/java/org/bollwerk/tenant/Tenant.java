package org.bollwerk.tenant;

import java.util.List;

/**
 * An organisation hosted by this deployment, with the server names its user IDs use. {@code baseUrl} (may be null) is what {@code /.well-known} announces
 * for its domains.
 */
public record Tenant(String id, String name, TenantStatus status, List<String> domains, String baseUrl) {
    public static final String DEFAULT_ID = "default";
}

package org.bollwerk.tenant;

import java.util.List;

/** An organisation hosted by this deployment, with the server names its user IDs use. */
public record Tenant(String id, String name, String status, List<String> domains) {
    public static final String DEFAULT_ID = "default";
}

package org.bollwerk.account;

import org.bollwerk.matrix.MatrixException;
import tools.jackson.databind.JsonNode;

import java.util.Locale;

/** Turns the identifier of a login or UIA body into a full user ID. */
final class LoginIdentifiers {
    private LoginIdentifiers() {
    }

    /**
     * Accepts {@code identifier: {type: m.id.user, user}} and the deprecated top-level {@code user};
     * a bare localpart is completed with {@code domain}. Returns null when there is no user identifier.
     */
    static String userOf(JsonNode body, String domain) {
        JsonNode identifier = body.get("identifier");
        String user = null;
        if (identifier != null && identifier.isObject()) {
            String type = identifier.path("type").asString("");
            if (!"m.id.user".equals(type)) {
                throw MatrixException.invalidParam("Only the m.id.user identifier is supported");
            }
            JsonNode value = identifier.get("user");
            if (value != null && value.isString()) user = value.asString();
        } else if (body.has("user") && body.get("user").isString()) {
            user = body.get("user").asString();
        }
        if (user == null || user.isBlank()) return null;
        // User IDs are case-insensitive on login, as users type them.
        user = user.trim();
        if (user.startsWith("@")) {
            int colon = user.indexOf(':');
            if (colon < 0) return user.toLowerCase(Locale.ROOT) + ":" + domain;
            return user.substring(0, colon).toLowerCase(Locale.ROOT) + user.substring(colon);
        }
        return "@" + user.toLowerCase(Locale.ROOT) + ":" + domain;
    }
}

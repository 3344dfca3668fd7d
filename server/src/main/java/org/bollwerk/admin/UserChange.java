package org.bollwerk.admin;

import org.bollwerk.matrix.MatrixException;
import org.bollwerk.web.JsonBody;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The body of {@code PUT /_synapse/admin/v2/users/{userId}}, fully type-checked before anything changes.
 * Null means "leave unchanged". Fields Bollwerk does not support are accepted only when they ask for
 * nothing (an empty list, null), so a tool that sends a whole user record still works.
 */
record UserChange(String password, boolean logoutDevices, String displayName, Boolean admin, Boolean deactivated,
                  Boolean locked) {
    static final int MAX_PASSWORD_LENGTH = 512;
    static final int MAX_DISPLAYNAME_LENGTH = 256;

    static UserChange parse(ObjectNode body) {
        String password = JsonBody.string(body, "password", false);
        if (password != null && (password.isEmpty() || password.length() > MAX_PASSWORD_LENGTH)) {
            throw MatrixException.invalidParam("Invalid password");
        }
        String displayName = JsonBody.string(body, "displayname", false);
        if (displayName != null && displayName.length() > MAX_DISPLAYNAME_LENGTH) {
            throw MatrixException.invalidParam("Display name is too long (max " + MAX_DISPLAYNAME_LENGTH + ")");
        }
        boolean logoutDevices = JsonBody.bool(body, "logout_devices", true);
        Boolean admin = optionalBool(body, "admin");
        Boolean deactivated = optionalBool(body, "deactivated");
        Boolean locked = optionalBool(body, "locked");
        unsupportedList(body, "threepids");
        unsupportedList(body, "external_ids");
        String avatar = JsonBody.string(body, "avatar_url", false);
        if (avatar != null && !avatar.isEmpty()) {
            throw MatrixException.invalidParam("Setting avatar_url through the admin API is not supported yet");
        }
        String userType = JsonBody.string(body, "user_type", false);
        if (userType != null) throw MatrixException.invalidParam("user_type is not supported");
        return new UserChange(password, logoutDevices, displayName, admin, deactivated, locked);
    }

    private static Boolean optionalBool(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) return null;
        return JsonBody.bool(body, field, false);
    }

    private static void unsupportedList(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) return;
        if (!value.isArray()) throw MatrixException.badJson("'" + field + "' must be an array");
        if (!value.isEmpty()) throw MatrixException.invalidParam(field + " are not supported by this server");
    }
}

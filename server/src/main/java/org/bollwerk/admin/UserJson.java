package org.bollwerk.admin;

import org.bollwerk.account.Device;
import org.bollwerk.account.UserAccount;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The user and device objects in the shapes Synapse's admin API returns. */
final class UserJson {
    private UserJson() {
    }

    /**
     * The single-user object of {@code GET /_synapse/admin/v2/users/{userId}}. As in Synapse,
     * {@code creation_ts} is in seconds here (the list endpoint uses milliseconds; tools expect both).
     */
    static Map<String, Object> user(UserAccount user, String displayName) {
        Map<String, Object> body = common(user, displayName);
        body.put("creation_ts", user.createdTs() / 1000);
        body.put("threepids", List.of());
        body.put("external_ids", List.of());
        body.put("appservice_id", null);
        body.put("consent_server_notice_sent", null);
        body.put("consent_version", null);
        body.put("consent_ts", null);
        body.put("suspended", false);
        return body;
    }

    /** An entry of the {@code users} list; {@code creation_ts} in milliseconds as Synapse returns it. */
    static Map<String, Object> listEntry(UserAccount user, String displayName) {
        Map<String, Object> body = common(user, displayName);
        body.put("creation_ts", user.createdTs());
        return body;
    }

    private static Map<String, Object> common(UserAccount user, String displayName) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", user.userId());
        body.put("displayname", displayName);
        body.put("avatar_url", null);
        body.put("is_guest", false);
        body.put("admin", user.admin());
        body.put("deactivated", user.deactivated());
        // Erasure is carried out by other features on AccountDeactivated; accounts do not record it yet.
        body.put("erased", false);
        body.put("shadow_banned", false);
        body.put("locked", user.locked());
        body.put("user_type", null);
        body.put("last_seen_ts", null);
        return body;
    }

    static Map<String, Object> device(Device device) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("device_id", device.deviceId());
        body.put("display_name", device.displayName());
        body.put("last_seen_ip", device.lastSeenIp());
        body.put("last_seen_ts", device.lastSeenTs());
        body.put("last_seen_user_agent", null);
        body.put("user_id", device.userId());
        return body;
    }
}

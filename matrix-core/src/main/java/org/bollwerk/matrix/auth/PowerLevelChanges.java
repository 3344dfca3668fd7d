package org.bollwerk.matrix.auth;

import java.util.Objects;
import java.util.TreeSet;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.UserId;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Rule 9 of the v10/v11 authorisation rules: who may change which power levels. Compares the raw
 * old and new contents, because the spec speaks of keys being added, changed or removed.
 */
final class PowerLevelChanges {

    private static final String[] SCALARS = {"users_default", "events_default", "state_default", "ban", "redact",
            "kick", "invite"};

    private PowerLevelChanges() {}

    static void check(ObjectNode newContent, ObjectNode oldContent, UserId sender, long senderLevel) {
        PowerLevels.fromContent(newContent); // 9.1–9.3: integers only, users keyed by user IDs
        if (oldContent == null) {
            return; // 9.4: the first power-levels event may set anything
        }
        for (String key : SCALARS) {
            checkChange(key, level(oldContent, key), level(newContent, key), senderLevel, false);
        }
        for (String map : new String[] {"events", "notifications"}) {
            checkMap(map, oldContent.get(map), newContent.get(map), null, senderLevel);
        }
        checkMap("users", oldContent.get("users"), newContent.get("users"), sender.toString(), senderLevel);
    }

    private static void checkMap(String name, JsonNode oldMap, JsonNode newMap, String ownEntry, long senderLevel) {
        TreeSet<String> keys = new TreeSet<>();
        if (oldMap != null && oldMap.isObject()) {
            keys.addAll(oldMap.propertyNames());
        }
        if (newMap != null) {
            keys.addAll(newMap.propertyNames());
        }
        for (String key : keys) {
            // For other users, equal to the sender's level already blocks the change (9.8).
            boolean protectEqual = ownEntry != null && !key.equals(ownEntry);
            checkChange(name + "." + key, level(oldMap, key), level(newMap, key), senderLevel, protectEqual);
        }
    }

    private static void checkChange(String key, Long oldValue, Long newValue, long senderLevel, boolean protectEqual) {
        if (Objects.equals(oldValue, newValue)) {
            return;
        }
        if (oldValue != null && (oldValue > senderLevel || (protectEqual && oldValue == senderLevel))) {
            throw MatrixException.forbidden("You cannot change '" + key + "': its current level (" + oldValue + ") is "
                    + (protectEqual ? "not below" : "above") + " your own (" + senderLevel + ").");
        }
        if (newValue != null && newValue > senderLevel) {
            throw MatrixException.forbidden("You cannot set '" + key + "' to " + newValue
                    + ": that is above your own power level (" + senderLevel + ").");
        }
    }

    /** The integer at {@code node[key]}, or null if absent (old contents may predate strict parsing). */
    private static Long level(JsonNode node, String key) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode value = node.get(key);
        return value != null && value.isIntegralNumber() && value.canConvertToLong() ? value.longValue() : null;
    }
}

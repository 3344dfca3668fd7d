package org.bollwerk.matrix.auth;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.matrix.json.CanonicalJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The effective power levels of a room: an {@code m.room.power_levels} content with the spec's
 * defaults filled in. Build it with {@link #of(ObjectNode, UserId)}.
 *
 * <p>Defaults (spec {@code m.room.power_levels} schema): {@code users_default} 0,
 * {@code events_default} 0, {@code state_default} 50, {@code ban}/{@code kick}/{@code redact} 50,
 * {@code invite} 0, {@code notifications.room} 50. Without any power-levels event the same defaults
 * apply and the room creator has level 100 (room versions 1–11).
 *
 * @param users explicit user levels keyed by user ID string
 * @param notifications explicit notification levels, e.g. {@code room}
 */
public record PowerLevels(Map<String, Long> users, long usersDefault, Map<String, Long> events, long eventsDefault,
        long stateDefault, long ban, long kick, long invite, long redact, Map<String, Long> notifications) {

    public static final long DEFAULT_STATE = 50;
    public static final long DEFAULT_MODERATION = 50;
    public static final long DEFAULT_NOTIFICATION = 50;
    public static final long CREATOR_WITHOUT_EVENT = 100;

    public PowerLevels {
        users = Map.copyOf(users);
        events = Map.copyOf(events);
        notifications = Map.copyOf(notifications);
    }

    /**
     * Power levels from the current {@code m.room.power_levels} content, or the "no event" defaults
     * (creator 100) when {@code content} is null.
     */
    public static PowerLevels of(ObjectNode content, UserId creator) {
        return content == null ? withoutEvent(creator) : fromContent(content);
    }

    /** The levels of a room that has no {@code m.room.power_levels} event. */
    public static PowerLevels withoutEvent(UserId creator) {
        return new PowerLevels(Map.of(creator.toString(), CREATOR_WITHOUT_EVENT), 0, Map.of(), 0, DEFAULT_STATE,
                DEFAULT_MODERATION, DEFAULT_MODERATION, 0, DEFAULT_MODERATION, Map.of());
    }

    /**
     * Parses a power-levels content strictly, as room versions 10+ require: every level is an integer
     * (no strings, no floats) within ±(2^53−1), {@code events}, {@code notifications} and
     * {@code users} are objects of integers, and {@code users} keys are valid user IDs.
     *
     * @throws MatrixException {@code M_BAD_JSON} naming the offending key
     */
    public static PowerLevels fromContent(JsonNode content) {
        if (content == null || !content.isObject()) {
            throw MatrixException.badJson("m.room.power_levels content must be an object.");
        }
        Map<String, Long> users = levelMap(content, "users");
        for (String user : users.keySet()) {
            if (!UserId.isValid(user)) {
                throw MatrixException.badJson("Power levels 'users' has a key that is not a user ID: '" + user + "'.");
            }
        }
        return new PowerLevels(users, level(content, "users_default", 0), levelMap(content, "events"),
                level(content, "events_default", 0), level(content, "state_default", DEFAULT_STATE),
                level(content, "ban", DEFAULT_MODERATION), level(content, "kick", DEFAULT_MODERATION),
                level(content, "invite", 0), level(content, "redact", DEFAULT_MODERATION),
                levelMap(content, "notifications"));
    }

    /** The level of {@code user}: their explicit entry or {@code users_default}. */
    public long userLevel(UserId user) {
        return users.getOrDefault(user.toString(), usersDefault);
    }

    /** The level needed to send an event of {@code type}: {@code events[type]} or the state/event default. */
    public long levelForEvent(String type, boolean isState) {
        Long explicit = events.get(type);
        if (explicit != null) {
            return explicit;
        }
        return isState ? stateDefault : eventsDefault;
    }

    /** The level needed for a notification key such as {@code room} (for {@code @room}); default 50. */
    public long notifications(String key) {
        return notifications.getOrDefault(key, DEFAULT_NOTIFICATION);
    }

    /** Whether {@code user}'s level reaches the level required for {@code type}. */
    public boolean canSend(UserId user, String type, boolean isState) {
        return userLevel(user) >= levelForEvent(type, isState);
    }

    /** This record as an {@code m.room.power_levels} content with every key written out. */
    public ObjectNode toContent() {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.put("ban", ban).put("events_default", eventsDefault).put("invite", invite).put("kick", kick)
                .put("redact", redact).put("state_default", stateDefault).put("users_default", usersDefault);
        ObjectNode eventsNode = content.putObject("events");
        events.forEach(eventsNode::put);
        ObjectNode usersNode = content.putObject("users");
        users.forEach(usersNode::put);
        ObjectNode notificationsNode = content.putObject("notifications");
        notifications.forEach(notificationsNode::put);
        return content;
    }

    /** The integer at {@code content[key]}, {@code fallback} if absent; {@code M_BAD_JSON} if not an integer. */
    static long level(JsonNode content, String key, long fallback) {
        JsonNode value = content.get(key);
        return value == null ? fallback : integer(value, key);
    }

    private static Map<String, Long> levelMap(JsonNode content, String key) {
        JsonNode node = content.get(key);
        if (node == null) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw MatrixException.badJson("Power levels '" + key + "' must be an object.");
        }
        Map<String, Long> levels = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            levels.put(entry.getKey(), integer(entry.getValue(), key + "." + entry.getKey()));
        }
        return levels;
    }

    private static long integer(JsonNode value, String key) {
        if (!value.isIntegralNumber() || !value.canConvertToLong()
                || value.longValue() > CanonicalJson.MAX_SAFE_INTEGER
                || value.longValue() < -CanonicalJson.MAX_SAFE_INTEGER) {
            throw MatrixException.badJson("Power level '" + key + "' must be an integer within ±(2^53−1).");
        }
        return value.longValue();
    }
}

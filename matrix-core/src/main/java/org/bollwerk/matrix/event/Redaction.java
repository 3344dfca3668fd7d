package org.bollwerk.matrix.event;

import java.util.Map;
import java.util.Set;
import org.bollwerk.matrix.RoomVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The spec's redaction algorithm for room versions 10 and 11. It decides which keys survive a
 * redaction and therefore also what event IDs and signatures cover.
 */
public final class Redaction {

    private static final Set<String> TOP_LEVEL_V11 = Set.of("event_id", "type", "room_id", "sender", "state_key",
            "content", "hashes", "signatures", "depth", "prev_events", "auth_events", "origin_server_ts");

    // Version 11 stopped protecting origin, membership and prev_state (MSC2176, MSC3989).
    private static final Set<String> TOP_LEVEL_V10 = union(TOP_LEVEL_V11, Set.of("origin", "membership", "prev_state"));

    private static final Map<String, Set<String>> CONTENT_V10 = Map.of(
            "m.room.member", Set.of("membership", "join_authorised_via_users_server"),
            "m.room.create", Set.of("creator"),
            "m.room.join_rules", Set.of("join_rule", "allow"),
            "m.room.power_levels", Set.of("ban", "events", "events_default", "kick", "redact", "state_default",
                    "users", "users_default"),
            "m.room.history_visibility", Set.of("history_visibility"));

    private static final Map<String, Set<String>> CONTENT_V11 = Map.of(
            "m.room.member", Set.of("membership", "join_authorised_via_users_server"),
            "m.room.join_rules", Set.of("join_rule", "allow"),
            "m.room.power_levels", Set.of("ban", "events", "events_default", "invite", "kick", "redact",
                    "state_default", "users", "users_default"),
            "m.room.history_visibility", Set.of("history_visibility"),
            "m.room.redaction", Set.of("redacts"));

    private Redaction() {}

    /**
     * Returns a redacted copy of {@code event}; the input is not modified. The result always has a
     * {@code content} object (empty if nothing survives), like Synapse's pruned events, so hashes agree.
     */
    public static ObjectNode redact(ObjectNode event, RoomVersion version) {
        Set<String> topLevel = version == RoomVersion.V11 ? TOP_LEVEL_V11 : TOP_LEVEL_V10;
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> entry : event.properties()) {
            if (topLevel.contains(entry.getKey()) && !entry.getKey().equals("content")) {
                result.set(entry.getKey(), entry.getValue().deepCopy());
            }
        }
        result.set("content", redactContent(event.path("type").asString(""), event.get("content"), version));
        return result;
    }

    private static ObjectNode redactContent(String type, JsonNode content, RoomVersion version) {
        ObjectNode kept = JsonNodeFactory.instance.objectNode();
        if (content == null || !content.isObject()) {
            return kept;
        }
        if (version == RoomVersion.V11 && type.equals("m.room.create")) {
            return (ObjectNode) content.deepCopy(); // v11 keeps the whole create content
        }
        Set<String> allowed = (version == RoomVersion.V11 ? CONTENT_V11 : CONTENT_V10).getOrDefault(type, Set.of());
        for (String key : allowed) {
            if (content.has(key)) {
                kept.set(key, content.get(key).deepCopy());
            }
        }
        if (version == RoomVersion.V11 && type.equals("m.room.member")) {
            keepThirdPartyInviteSignature(content, kept); // MSC3821: needed to re-check the invite
        }
        return kept;
    }

    private static void keepThirdPartyInviteSignature(JsonNode content, ObjectNode kept) {
        JsonNode invite = content.get("third_party_invite");
        if (invite != null && invite.isObject() && invite.has("signed")) {
            kept.putObject("third_party_invite").set("signed", invite.get("signed").deepCopy());
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        var all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}

package org.bollwerk.room;

import org.bollwerk.matrix.auth.Membership;
import org.bollwerk.account.Requester;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.RoomVersion;
import org.bollwerk.matrix.id.RoomAlias;
import org.bollwerk.matrix.id.RoomId;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.bollwerk.web.JsonBody;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code createRoom}: writes the spec's sequence (create, creator's join, power levels, alias, preset
 * rules, initial_state, name, topic, invites) in one transaction, so a room never exists half-made.
 */
@Component
class RoomCreator {
    private final Db db;
    private final EventStore store;
    private final EventWriter writer;
    private final RoomService rooms;
    private final RoomSettings settings;

    RoomCreator(Db db, EventStore store, EventWriter writer, RoomService rooms,
                RoomSettings settings) {
        this.db = db;
        this.store = store;
        this.writer = writer;
        this.rooms = rooms;
        this.settings = settings;
    }

    String create(Requester requester, ObjectNode body) {
        String domain = UserId.parse(requester.userId()).domain();
        RoomVersion version = body.has("room_version")
                ? RoomVersion.fromId(JsonBody.string(body, "room_version", true)) : RoomVersion.DEFAULT;
        String visibility = JsonBody.string(body, "visibility", false);
        if (visibility != null && !visibility.equals("public") && !visibility.equals("private")) {
            throw MatrixException.invalidParam("visibility must be public or private");
        }
        String preset = JsonBody.string(body, "preset", false);
        if (preset == null) preset = "public".equals(visibility) ? "public_chat" : "private_chat";
        if (!List.of("private_chat", "trusted_private_chat", "public_chat").contains(preset)) {
            throw MatrixException.invalidParam("Unknown preset " + preset);
        }
        String name = JsonBody.string(body, "name", false);
        String topic = JsonBody.string(body, "topic", false);
        boolean isDirect = JsonBody.bool(body, "is_direct", false);
        ObjectNode creationContent = JsonBody.object(body, "creation_content", false);
        ObjectNode powerOverride = JsonBody.object(body, "power_level_content_override", false);
        String roomId = RoomId.random(domain).toString();
        List<String> invites = userList(body.get("invite"));
        for (String invitee : invites) rooms.requireMayInvite(requester.userId(), roomId, requester.tenantId(), invitee);
        List<ObjectNode> initialState = initialState(body.get("initial_state"));
        String aliasName = JsonBody.string(body, "room_alias_name", false);
        String alias = null;
        if (aliasName != null) {
            if (aliasName.isEmpty() || aliasName.contains(":") || aliasName.contains("#")) {
                throw MatrixException.invalidParam("room_alias_name must be a plain localpart");
            }
            alias = RoomAlias.parse("#" + aliasName + ":" + domain).toString();
        }
        String tenantId = requester.tenantId();
        String sender = requester.userId();
        String finalPreset = preset;
        String finalAlias = alias;
        return db.write(() -> {
            if (finalAlias != null && store.roomOfAlias(finalAlias).isPresent()) {
                throw new MatrixException(ErrCode.M_ROOM_IN_USE, "Room alias already taken");
            }
            long now = System.currentTimeMillis();
            store.insertRoom(roomId, tenantId, version.id(), sender, now);

            ObjectNode create = creationContent == null ? Json.MAPPER.createObjectNode() : creationContent.deepCopy();
            create.put("room_version", version.id());
            if (version == RoomVersion.V10) create.put("creator", sender);
            else create.remove("creator");
            state(roomId, "m.room.create", "", sender, create, version);

            ObjectNode join = Json.MAPPER.createObjectNode();
            if (isDirect) join.put("is_direct", true);
            rooms.member(sender, roomId, sender, Membership.JOIN, null, isDirect ? join : null);

            ObjectNode levels = defaultPowerLevels(sender, finalPreset, invites);
            if (powerOverride != null) powerOverride.properties().forEach(e -> levels.set(e.getKey(), e.getValue()));
            state(roomId, "m.room.power_levels", "", sender, levels, version);

            if (finalAlias != null) {
                store.insertAlias(finalAlias, roomId, sender, now);
                state(roomId, "m.room.canonical_alias", "", sender, Json.MAPPER.createObjectNode().put("alias", finalAlias),
                        version);
            }
            Set<String> initialKeys = new LinkedHashSet<>();
            for (ObjectNode event : initialState) initialKeys.add(event.path("type").asString() + "\0"
                    + event.path("state_key").asString(""));
            if (!initialKeys.contains("m.room.join_rules\0")) {
                state(roomId, "m.room.join_rules", "", sender, Json.MAPPER.createObjectNode()
                        .put("join_rule", "public_chat".equals(finalPreset) ? "public" : "invite"), version);
            }
            if (!initialKeys.contains("m.room.history_visibility\0")) {
                state(roomId, "m.room.history_visibility", "", sender,
                        Json.MAPPER.createObjectNode().put("history_visibility", "shared"), version);
            }
            if (!initialKeys.contains("m.room.guest_access\0")) {
                state(roomId, "m.room.guest_access", "", sender, Json.MAPPER.createObjectNode()
                        .put("guest_access", "public_chat".equals(finalPreset) ? "forbidden" : "can_join"), version);
            }
            for (ObjectNode event : initialState) {
                // The same rule as the state API: a canonical alias must point to this room (no claiming others').
                if ("m.room.canonical_alias".equals(event.path("type").asString())) {
                    rooms.validateCanonicalAlias(roomId, (ObjectNode) event.get("content"));
                }
                state(roomId, event.path("type").asString(), event.path("state_key").asString(""), sender,
                        (ObjectNode) event.get("content"), version);
            }
            if (!initialKeys.contains("m.room.encryption\0") && settings.encryptByDefault(finalPreset)) {
                state(roomId, "m.room.encryption", "", sender, Json.MAPPER.createObjectNode()
                        .put("algorithm", "m.megolm.v1.aes-sha2"), version);
            }
            if (name != null) state(roomId, "m.room.name", "", sender, Json.MAPPER.createObjectNode().put("name", name), version);
            if (topic != null) state(roomId, "m.room.topic", "", sender, Json.MAPPER.createObjectNode().put("topic", topic), version);
            for (String invitee : invites) {
                ObjectNode extra = Json.MAPPER.createObjectNode();
                if (isDirect) extra.put("is_direct", true);
                rooms.member(sender, roomId, invitee, Membership.INVITE, null, extra);
            }
            if ("public".equals(visibility)) store.setPublished(roomId, true);
            return roomId;
        });
    }

    private void state(String roomId, String type, String stateKey, String sender, ObjectNode content, RoomVersion v) {
        writer.append(EventWriter.Draft.state(roomId, type, stateKey, sender, content), v);
    }

    private static ObjectNode defaultPowerLevels(String creator, String preset, List<String> invites) {
        ObjectNode levels = Json.MAPPER.createObjectNode();
        ObjectNode users = levels.putObject("users");
        users.put(creator, 100);
        if ("trusted_private_chat".equals(preset)) invites.forEach(u -> users.put(u, 100));
        levels.put("users_default", 0);
        ObjectNode events = levels.putObject("events");
        events.put("m.room.name", 50);
        events.put("m.room.power_levels", 100);
        events.put("m.room.history_visibility", 100);
        events.put("m.room.canonical_alias", 50);
        events.put("m.room.avatar", 50);
        events.put("m.room.tombstone", 100);
        events.put("m.room.server_acl", 100);
        events.put("m.room.encryption", 100);
        levels.put("events_default", 0);
        levels.put("state_default", 50);
        levels.put("ban", 50);
        levels.put("kick", 50);
        levels.put("redact", 50);
        levels.put("invite", "public_chat".equals(preset) ? 50 : 0);
        levels.putObject("notifications").put("room", 50);
        return levels;
    }

    private static List<String> userList(JsonNode node) {
        List<String> users = new ArrayList<>();
        if (node == null || node.isNull()) return users;
        if (!node.isArray()) throw MatrixException.badJson("'invite' must be a list of user IDs");
        for (JsonNode user : node) {
            if (!user.isString()) throw MatrixException.badJson("'invite' must be a list of user IDs");
            users.add(UserId.parse(user.asString()).toString());
        }
        return users;
    }

    private static List<ObjectNode> initialState(JsonNode node) {
        List<ObjectNode> events = new ArrayList<>();
        if (node == null || node.isNull()) return events;
        if (!node.isArray()) throw MatrixException.badJson("'initial_state' must be a list");
        for (JsonNode event : node) {
            if (!event.isObject() || !event.path("type").isString() || !event.path("content").isObject()
                    || (event.has("state_key") && !event.get("state_key").isString())) {
                throw MatrixException.badJson("Each initial_state entry needs a string 'type' and an object 'content'");
            }
            String type = event.get("type").asString();
            if (type.equals("m.room.create") || type.equals("m.room.member") || type.equals("m.room.power_levels")) {
                throw MatrixException.badJson("initial_state may not contain " + type);
            }
            events.add((ObjectNode) event);
        }
        return events;
    }
}

package org.bollwerk.room;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.RoomVersion;
import org.bollwerk.matrix.auth.AuthRules;
import org.bollwerk.matrix.auth.Membership;
import org.bollwerk.matrix.auth.PowerLevels;
import org.bollwerk.matrix.id.RoomId;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * {@code POST /rooms/{roomId}/upgrade}, as the spec's server behaviour lists it: a new room of the asked
 * version whose create event names its predecessor, the transferable state copied (with the upgrader's power
 * raised for the copy where it would not suffice, then set back), bans carried over, local aliases and the
 * canonical alias moved, the directory listing moved, a tombstone in the old room and the old room's power
 * levels raised so nobody but moderators keeps talking there. All in one transaction: a failed upgrade leaves
 * nothing behind.
 */
@Component
class RoomUpgrader {
    /** The spec's recommended transferable state, besides power levels (copied with their own handling). */
    private static final List<String> TRANSFERRED = List.of("m.room.server_acl", "m.room.encryption", "m.room.name",
            "m.room.avatar", "m.room.topic", "m.room.guest_access", "m.room.history_visibility", "m.room.join_rules");

    private final Db db;
    private final EventStore store;
    private final EventWriter writer;
    private final RoomService rooms;

    RoomUpgrader(Db db, EventStore store, EventWriter writer, RoomService rooms) {
        this.db = db;
        this.store = store;
        this.writer = writer;
        this.rooms = rooms;
    }

    /** Returns the replacement room's ID. */
    String upgrade(Requester requester, String oldRoomId, String newVersionId) {
        RoomVersion newVersion = RoomVersion.fromId(newVersionId);  // M_UNSUPPORTED_ROOM_VERSION for any other
        String sender = requester.userId();
        UserId senderId = UserId.parse(sender);
        String newRoomId = RoomId.random(senderId.domain()).toString();
        return db.write(() -> {
            EventStore.RoomRow old = store.room(oldRoomId).orElseThrow(() -> MatrixException.forbidden(
                    "You are not in this room"));
            if (store.membership(oldRoomId, sender).orElse(null) != Membership.JOIN) {
                throw MatrixException.forbidden("You are not in this room");
            }
            RoomVersion oldVersion = RoomVersion.fromId(old.roomVersion());
            StoredEvent oldCreate = state(oldRoomId, "m.room.create");
            ObjectNode oldPowerContent = content(state(oldRoomId, "m.room.power_levels"));
            PowerLevels oldLevels = PowerLevels.of(oldPowerContent, AuthRules.creatorOf(oldCreate.pdu(), oldVersion));
            if (!oldLevels.canSend(senderId, "m.room.tombstone", true)) {
                throw MatrixException.forbidden("You do not have permission to upgrade this room (it needs the power to "
                        + "send m.room.tombstone)");
            }
            long now = System.currentTimeMillis();
            store.insertRoom(newRoomId, old.tenantId(), newVersion.id(), sender, now);

            ObjectNode create = oldCreate.content().deepCopy();
            create.remove("creator");
            create.remove("room_version");
            create.remove("predecessor");
            create.put("room_version", newVersion.id());
            if (newVersion.createContentHasCreator()) create.put("creator", sender);
            ObjectNode predecessor = create.putObject("predecessor");
            predecessor.put("room_id", oldRoomId);
            store.latest(oldRoomId).ifPresent(last -> predecessor.put("event_id", last.eventId()));
            send(newRoomId, "m.room.create", "", sender, create, newVersion);
            rooms.member(sender, newRoomId, sender, Membership.JOIN, null, null);

            // Power levels as they were; for the copy, the upgrader raised to what the copied state needs.
            ObjectNode finalLevels = oldPowerContent != null ? oldPowerContent.deepCopy()
                    : oldLevels.toContent();
            long needed = Math.max(oldLevels.stateDefault(), oldLevels.ban());
            for (long level : oldLevels.events().values()) needed = Math.max(needed, level);
            ObjectNode copyLevels = finalLevels;
            if (oldLevels.userLevel(senderId) < needed) {
                copyLevels = finalLevels.deepCopy();
                ObjectNode users = copyLevels.has("users") && copyLevels.get("users").isObject()
                        ? (ObjectNode) copyLevels.get("users") : copyLevels.putObject("users");
                users.put(sender, needed);
            }
            send(newRoomId, "m.room.power_levels", "", sender, copyLevels, newVersion);
            for (String type : TRANSFERRED) {
                StoredEvent event = store.currentState(oldRoomId, type, "").orElse(null);
                if (event != null) send(newRoomId, type, "", sender, event.content().deepCopy(), newVersion);
            }
            copyBans(oldRoomId, newRoomId, sender, PowerLevels.fromContent(copyLevels), oldLevels);
            if (copyLevels != finalLevels) send(newRoomId, "m.room.power_levels", "", sender, finalLevels, newVersion);

            moveAliases(oldRoomId, newRoomId, sender, senderId, oldLevels, oldVersion, newVersion);
            if (old.published()) {
                store.setPublished(newRoomId, true);
                store.setPublished(oldRoomId, false);
            }

            send(oldRoomId, "m.room.tombstone", "", sender, Json.MAPPER.createObjectNode()
                    .put("body", "This room has been replaced").put("replacement_room", newRoomId), oldVersion);
            restrictOldRoom(oldRoomId, sender, senderId, oldPowerContent, oldLevels, oldVersion);
            return newRoomId;
        });
    }

    /** Bans carry over where the upgrader may ban (a banned user must not walk into the new room). */
    private void copyBans(String oldRoomId, String newRoomId, String sender, PowerLevels copyLevels, PowerLevels oldLevels) {
        long senderLevel = copyLevels.userLevel(UserId.parse(sender));
        for (String banned : store.members(oldRoomId, Membership.BAN)) {
            if (senderLevel < copyLevels.ban() || copyLevels.userLevel(UserId.parse(banned)) >= senderLevel) continue;
            StoredEvent ban = store.currentState(oldRoomId, "m.room.member", banned).orElse(null);
            String reason = ban == null ? null : ban.content().path("reason").asString(null);
            rooms.member(sender, newRoomId, banned, Membership.BAN, reason, null);
        }
    }

    /**
     * Local aliases point to the new room; the canonical alias moves with them (set in the new room, removed
     * from the old one when the upgrader may change it there).
     */
    private void moveAliases(String oldRoomId, String newRoomId, String sender, UserId senderId, PowerLevels oldLevels,
                             RoomVersion oldVersion, RoomVersion newVersion) {
        store.moveAliases(oldRoomId, newRoomId);
        StoredEvent canonical = store.currentState(oldRoomId, "m.room.canonical_alias", "").orElse(null);
        if (canonical == null || canonical.content().isEmpty()) return;
        ObjectNode moved = canonical.content().deepCopy();
        // Only aliases that now point to the new room may be named there.
        if (moved.path("alias").isString() && !store.roomOfAlias(moved.get("alias").asString()).map(newRoomId::equals)
                .orElse(false)) {
            moved.remove("alias");
        }
        if (moved.path("alt_aliases").isArray()) {
            var alt = moved.putArray("alt_aliases");
            for (JsonNode a : canonical.content().get("alt_aliases")) {
                if (a.isString() && store.roomOfAlias(a.asString()).map(newRoomId::equals).orElse(false)) alt.add(a);
            }
        }
        send(newRoomId, "m.room.canonical_alias", "", sender, moved, newVersion);
        if (oldLevels.canSend(senderId, "m.room.canonical_alias", true)) {
            send(oldRoomId, "m.room.canonical_alias", "", sender, Json.MAPPER.createObjectNode(), oldVersion);
        }
    }

    /**
     * The spec's suggestion: in the old room, sending and inviting need at least 50 (or more than the default
     * user level), so ordinary members stop writing there. Only when the upgrader may make that change.
     */
    private void restrictOldRoom(String oldRoomId, String sender, UserId senderId, ObjectNode oldPowerContent,
                                 PowerLevels oldLevels, RoomVersion oldVersion) {
        if (oldPowerContent == null || !oldLevels.canSend(senderId, "m.room.power_levels", true)) return;
        long restricted = Math.max(50, oldLevels.usersDefault() + 1);
        if (oldLevels.userLevel(senderId) < restricted) return;
        if (oldLevels.eventsDefault() >= restricted && oldLevels.invite() >= restricted) return;
        ObjectNode levels = oldPowerContent.deepCopy();
        levels.put("events_default", Math.max(oldLevels.eventsDefault(), restricted));
        levels.put("invite", Math.max(oldLevels.invite(), restricted));
        send(oldRoomId, "m.room.power_levels", "", sender, levels, oldVersion);
    }

    private StoredEvent state(String roomId, String type) {
        return store.currentState(roomId, type, "").orElse(null);
    }

    private static ObjectNode content(StoredEvent event) {
        return event == null ? null : event.content();
    }

    private void send(String roomId, String type, String stateKey, String sender, ObjectNode content, RoomVersion v) {
        writer.append(EventWriter.Draft.state(roomId, type, stateKey, sender, content), v);
    }
}

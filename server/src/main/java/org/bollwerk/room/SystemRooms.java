package org.bollwerk.room;

import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.RoomVersion;
import org.bollwerk.matrix.auth.Membership;
import org.bollwerk.matrix.id.RoomId;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.bollwerk.tenant.TenantService;
import org.springframework.stereotype.Service;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Rooms the server itself runs for a feature (the alert room of a tenant): created by a server-side sender,
 * members added without an action of theirs, messages posted by that sender. Everything still goes through
 * {@link EventWriter}, so these rooms are ordinary, authorised, signed Matrix rooms that every app shows.
 * Members are only ever users of the room's own tenant.
 */
@Service
public class SystemRooms {
    private final Db db;
    private final EventStore store;
    private final EventWriter writer;
    private final RoomService rooms;
    private final TenantService tenants;

    SystemRooms(Db db, EventStore store, EventWriter writer, RoomService rooms, TenantService tenants) {
        this.db = db;
        this.store = store;
        this.writer = writer;
        this.rooms = rooms;
        this.tenants = tenants;
    }

    /**
     * Creates an unencrypted invite-only room of {@code tenantId} with {@code sender} joined, the given power
     * levels (the sender must hold 100 in them), name and topic. Inside or outside a write.
     */
    public String create(String tenantId, String sender, String name, String topic, ObjectNode powerLevels) {
        RoomVersion version = RoomVersion.DEFAULT;
        String roomId = RoomId.random(UserId.parse(sender).domain()).toString();
        return db.write(() -> {
            store.insertRoom(roomId, tenantId, version.id(), sender, System.currentTimeMillis());
            ObjectNode create = Json.MAPPER.createObjectNode().put("room_version", version.id());
            if (version == RoomVersion.V10) create.put("creator", sender);
            state(roomId, "m.room.create", sender, create, version);
            rooms.member(sender, roomId, sender, Membership.JOIN, null, null);
            state(roomId, "m.room.power_levels", sender, powerLevels, version);
            state(roomId, "m.room.join_rules", sender, Json.MAPPER.createObjectNode().put("join_rule", "invite"), version);
            state(roomId, "m.room.history_visibility", sender,
                    Json.MAPPER.createObjectNode().put("history_visibility", "shared"), version);
            state(roomId, "m.room.guest_access", sender, Json.MAPPER.createObjectNode().put("guest_access", "forbidden"), version);
            state(roomId, "m.room.name", sender, Json.MAPPER.createObjectNode().put("name", name), version);
            state(roomId, "m.room.topic", sender, Json.MAPPER.createObjectNode().put("topic", topic), version);
            return roomId;
        });
    }

    private void state(String roomId, String type, String sender, ObjectNode content, RoomVersion version) {
        writer.append(EventWriter.Draft.state(roomId, type, "", sender, content), version);
    }

    /**
     * Makes every listed user a joined member: an invite by {@code sender}, then the user's own join, so the
     * authorisation rules hold as for any invite. Users already joined, of another tenant, or banned are
     * skipped. Runs in writes of {@code batchSize} users each (a few at a time), never inside a write, so a
     * large tenant does not hold the writer. Returns how many users were joined now.
     */
    public int joinAll(String roomId, String sender, List<String> userIds, int batchSize) {
        EventStore.RoomRow room = store.room(roomId).orElseThrow(() -> MatrixException.notFound("Unknown room " + roomId));
        List<String> joined = store.members(roomId, Membership.JOIN);
        java.util.Set<String> already = new java.util.HashSet<>(joined);
        List<String> missing = new ArrayList<>();
        for (String userId : userIds) {
            if (already.contains(userId)) continue;
            if (!tenants.tenantOfDomain(UserId.parse(userId).domain()).map(room.tenantId()::equals).orElse(false)) continue;
            missing.add(userId);
        }
        List<List<String>> batches = new ArrayList<>();
        for (int i = 0; i < missing.size(); i += batchSize) {
            batches.add(missing.subList(i, Math.min(missing.size(), i + batchSize)));
        }
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        db.writeEach(batches, () -> false, batch -> {
            for (String userId : batch) {
                Membership now = store.membership(roomId, userId).orElse(null);
                if (now == Membership.JOIN || now == Membership.BAN) continue;
                if (now != Membership.INVITE) rooms.member(sender, roomId, userId, Membership.INVITE, null, null);
                rooms.member(userId, roomId, userId, Membership.JOIN, null, null);
                count.incrementAndGet();
            }
        });
        return count.get();
    }

    /**
     * Removes (kicks, as {@code sender}) every joined or invited member except {@code sender} and those in
     * {@code keep}, in writes of {@code batchSize} users each, never inside a write. Returns how many left.
     */
    public int removeOthers(String roomId, String sender, java.util.Set<String> keep, int batchSize) {
        List<String> extra = new ArrayList<>();
        for (Membership membership : List.of(Membership.JOIN, Membership.INVITE)) {
            for (String userId : store.members(roomId, membership)) {
                if (!userId.equals(sender) && !keep.contains(userId)) extra.add(userId);
            }
        }
        List<List<String>> batches = new ArrayList<>();
        for (int i = 0; i < extra.size(); i += batchSize) batches.add(extra.subList(i, Math.min(extra.size(), i + batchSize)));
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        db.writeEach(batches, () -> false, batch -> {
            for (String userId : batch) {
                Membership now = store.membership(roomId, userId).orElse(null);
                if (now != Membership.JOIN && now != Membership.INVITE) continue;
                rooms.member(sender, roomId, userId, Membership.LEAVE, null, null);
                count.incrementAndGet();
            }
        });
        return count.get();
    }

    /** Posts a message event as {@code sender}; joins the caller's write if there is one. */
    public StoredEvent post(String roomId, String sender, String type, ObjectNode content) {
        RoomService.validateType(type);
        return db.write(() -> writer.append(new EventWriter.Draft(roomId, type, null, sender, content, null, null),
                rooms.version(roomId)));
    }

    /** Users joined to the room now. */
    public List<String> joinedUserIds(String roomId) {
        return store.members(roomId, Membership.JOIN);
    }
}

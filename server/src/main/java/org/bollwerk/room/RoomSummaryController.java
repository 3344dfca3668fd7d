package org.bollwerk.room;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.RoomId;
import org.bollwerk.tenant.TenantIsolation;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A room's summary before joining it (MSC3266): name, topic, avatar, member count, join rule, encryption. Shown
 * to members and invitees, and to anyone the isolation policy lets see the room when it is public (join rule
 * {@code public} or {@code knock}) or world-readable. Anything else — including another organisation's rooms
 * and aliases — answers 404 exactly as an unknown room does. Callers must be logged in.
 */
@RestController
class RoomSummaryController {
    private final RoomReader reader;
    private final EventStore store;
    private final TenantIsolation isolation;

    RoomSummaryController(RoomReader reader, EventStore store, TenantIsolation isolation) {
        this.reader = reader;
        this.store = store;
        this.isolation = isolation;
    }

    @GetMapping({"/_matrix/client/v1/room_summary/{roomIdOrAlias}",
            "/_matrix/client/unstable/im.nheko.summary/rooms/{roomIdOrAlias}/summary",
            "/_matrix/client/unstable/im.nheko.summary/summary/{roomIdOrAlias}"})
    Map<String, Object> summary(Requester requester, @PathVariable String roomIdOrAlias) {
        String user = requester.userId();
        String roomId = resolve(user, roomIdOrAlias);
        EventStore.RoomRow room = store.room(roomId).orElseThrow(RoomSummaryController::notFound);
        Optional<String> membership = reader.membership(roomId, user);
        String joinRule = stateValue(roomId, "m.room.join_rules", "join_rule").orElse("invite");
        boolean worldReadable = "world_readable".equals(stateValue(roomId, "m.room.history_visibility", "history_visibility")
                .orElse("shared"));
        boolean member = membership.filter(m -> m.equals("join") || m.equals("invite")).isPresent();
        boolean open = joinRule.equals("public") || joinRule.equals("knock") || worldReadable;
        if (!member && !(open && isolation.seeRoom(user, roomId, room.tenantId()).allowed())) throw notFound();

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("room_id", roomId);
        stateValue(roomId, "m.room.name", "name").ifPresent(v -> summary.put("name", v));
        stateValue(roomId, "m.room.topic", "topic").ifPresent(v -> summary.put("topic", v));
        stateValue(roomId, "m.room.avatar", "url").ifPresent(v -> summary.put("avatar_url", v));
        stateValue(roomId, "m.room.canonical_alias", "alias").ifPresent(v -> summary.put("canonical_alias", v));
        summary.put("num_joined_members", reader.joinedCount(roomId));
        summary.put("join_rule", joinRule);
        stateValue(roomId, "m.room.create", "type").ifPresent(v -> summary.put("room_type", v));
        summary.put("room_version", room.roomVersion());
        summary.put("im.nheko.summary.room_version", room.roomVersion());
        stateValue(roomId, "m.room.encryption", "algorithm").ifPresent(v -> {
            summary.put("encryption", v);
            summary.put("im.nheko.summary.encryption", v);
        });
        membership.ifPresent(m -> summary.put("membership", m));
        summary.put("guest_can_join", "can_join".equals(stateValue(roomId, "m.room.guest_access", "guest_access").orElse(null)));
        summary.put("world_readable", worldReadable);
        return summary;
    }

    /** The room ID; an alias through the isolation policy. Unknown and hidden aliases answer alike. */
    private String resolve(String user, String roomIdOrAlias) {
        if (roomIdOrAlias.startsWith("#")) {
            try {
                return reader.resolveAlias(user, roomIdOrAlias);
            } catch (MatrixException unknown) {
                throw notFound();
            }
        }
        return RoomId.parse(roomIdOrAlias).toString();
    }

    private Optional<String> stateValue(String roomId, String type, String field) {
        return reader.currentState(roomId, type, "").map(e -> e.content().path(field))
                .filter(v -> v.isString() && !v.asString().isEmpty()).map(v -> v.asString());
    }

    private static MatrixException notFound() {
        return MatrixException.notFound("Room not found");
    }
}

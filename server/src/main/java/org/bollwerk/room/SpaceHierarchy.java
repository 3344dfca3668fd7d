package org.bollwerk.room;

import org.bollwerk.matrix.MatrixException;
import org.bollwerk.tenant.TenantIsolation;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rooms of a space ({@code GET /v1/rooms/{roomId}/hierarchy}): walks {@code m.space.child} events breadth
 * first from the root, listing each room the user may see — joined or invited, or open to them (join rule
 * {@code public} or {@code knock}, world-readable history, or {@code restricted} to a room they are in) and
 * let through by the isolation policy, so another organisation's rooms appear only for partners. Rooms the
 * user may not see, and rooms this server does not have, are left out (their child event stays in the
 * parent's {@code children_state}, as the spec shows). Paging recomputes the walk and skips what was sent.
 */
@Component
class SpaceHierarchy {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 100;
    /** Rooms looked at per request at most, so a huge or cyclic space cannot make one request walk forever. */
    static final int MAX_VISITED = 1000;
    private static final String TOKEN_PREFIX = "h1.";

    private final RoomReader reader;
    private final EventStore store;
    private final TenantIsolation isolation;

    SpaceHierarchy(RoomReader reader, EventStore store, TenantIsolation isolation) {
        this.reader = reader;
        this.store = store;
        this.isolation = isolation;
    }

    record Request(String roomId, boolean suggestedOnly, int maxDepth, int limit, String from) {
    }

    Map<String, Object> hierarchy(String userId, Request request) {
        int skip = request.from() == null ? 0 : offset(request);
        if (!maySee(userId, request.roomId())) {
            throw MatrixException.forbidden("You cannot view this room's hierarchy");
        }
        List<Map<String, Object>> rooms = new ArrayList<>();
        Deque<Map.Entry<String, Integer>> queue = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        queue.add(Map.entry(request.roomId(), 0));
        seen.add(request.roomId());
        int listed = 0;
        int visited = 0;
        boolean more = false;
        while (!queue.isEmpty() && visited < MAX_VISITED) {
            Map.Entry<String, Integer> next = queue.poll();
            String roomId = next.getKey();
            visited++;
            boolean root = roomId.equals(request.roomId());
            if (!root && !maySee(userId, roomId)) continue;
            List<StoredEvent> children = isSpace(roomId) ? children(roomId, request.suggestedOnly()) : List.of();
            if (listed >= skip) {
                if (rooms.size() == request.limit()) {
                    more = true;
                    break;
                }
                rooms.add(entry(userId, roomId, children));
            }
            listed++;
            if (next.getValue() >= request.maxDepth()) continue;
            for (StoredEvent child : children) {
                if (seen.add(child.stateKey())) queue.add(Map.entry(child.stateKey(), next.getValue() + 1));
            }
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("rooms", rooms);
        if (more) response.put("next_batch", token(request, skip + rooms.size()));
        return response;
    }

    /** Whether the user may see the room in a hierarchy: see the class comment. Unknown rooms are not seen. */
    private boolean maySee(String userId, String roomId) {
        Optional<EventStore.RoomRow> room = store.room(roomId);
        if (room.isEmpty()) return false;
        String membership = reader.membership(roomId, userId).orElse("leave");
        if (membership.equals("join") || membership.equals("invite")) return true;
        if (!isolation.seeRoom(userId, roomId, room.get().tenantId()).allowed()) return false;
        String joinRule = stateString(roomId, "m.room.join_rules", "join_rule").orElse("invite");
        if (joinRule.equals("public") || joinRule.equals("knock")) return true;
        if (worldReadable(roomId)) return true;
        if (joinRule.equals("restricted") || joinRule.equals("knock_restricted")) {
            for (String allowed : allowedRoomIds(roomId)) {
                if ("join".equals(reader.membership(allowed, userId).orElse(null))) return true;
            }
        }
        return false;
    }

    private boolean isSpace(String roomId) {
        return "m.space".equals(stateString(roomId, "m.room.create", "type").orElse(null));
    }

    /** The valid {@code m.space.child} events (with a {@code via} list), in the spec's order. */
    private List<StoredEvent> children(String roomId, boolean suggestedOnly) {
        List<StoredEvent> children = new ArrayList<>();
        for (StoredEvent e : store.currentStateEvents(roomId)) {
            if (!"m.space.child".equals(e.type()) || e.stateKey() == null || !e.stateKey().startsWith("!")) continue;
            JsonNode via = e.content().path("via");
            if (!via.isArray() || via.isEmpty()) continue;
            if (suggestedOnly && !e.content().path("suggested").asBoolean(false)) continue;
            children.add(e);
        }
        children.sort(Comparator.comparing((StoredEvent e) -> order(e) == null ? 1 : 0)
                .thenComparing(e -> order(e) == null ? "" : order(e))
                .thenComparingLong(StoredEvent::originServerTs)
                .thenComparing(StoredEvent::stateKey));
        return children;
    }

    /** A child's {@code order} if valid: at most 50 printable ASCII characters. */
    private static String order(StoredEvent child) {
        JsonNode order = child.content().path("order");
        if (!order.isString()) return null;
        String value = order.asString();
        if (value.length() > 50 || !value.chars().allMatch(c -> c >= 0x20 && c <= 0x7E)) return null;
        return value;
    }

    private Map<String, Object> entry(String userId, String roomId, List<StoredEvent> children) {
        EventStore.RoomRow room = store.room(roomId).orElseThrow();
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("room_id", roomId);
        stateString(roomId, "m.room.name", "name").ifPresent(v -> entry.put("name", v));
        stateString(roomId, "m.room.topic", "topic").ifPresent(v -> entry.put("topic", v));
        stateString(roomId, "m.room.avatar", "url").ifPresent(v -> entry.put("avatar_url", v));
        stateString(roomId, "m.room.canonical_alias", "alias").ifPresent(v -> entry.put("canonical_alias", v));
        stateString(roomId, "m.room.create", "type").ifPresent(v -> entry.put("room_type", v));
        stateString(roomId, "m.room.encryption", "algorithm").ifPresent(v -> entry.put("encryption", v));
        entry.put("room_version", room.roomVersion());
        entry.put("num_joined_members", reader.joinedCount(roomId));
        String joinRule = stateString(roomId, "m.room.join_rules", "join_rule").orElse("invite");
        entry.put("join_rule", joinRule);
        if (joinRule.equals("restricted") || joinRule.equals("knock_restricted")) {
            entry.put("allowed_room_ids", allowedRoomIds(roomId));
        }
        entry.put("world_readable", worldReadable(roomId));
        entry.put("guest_can_join", "can_join".equals(stateString(roomId, "m.room.guest_access", "guest_access").orElse(null)));
        reader.membership(roomId, userId).ifPresent(m -> entry.put("membership", m));
        List<ObjectNode> childrenState = new ArrayList<>();
        for (StoredEvent child : children) {
            ObjectNode stripped = ClientEvents.stripped(child);
            stripped.put("origin_server_ts", child.originServerTs());
            childrenState.add(stripped);
        }
        entry.put("children_state", childrenState);
        return entry;
    }

    private boolean worldReadable(String roomId) {
        return "world_readable".equals(stateString(roomId, "m.room.history_visibility", "history_visibility").orElse(null));
    }

    private List<String> allowedRoomIds(String roomId) {
        List<String> ids = new ArrayList<>();
        store.currentState(roomId, "m.room.join_rules", "").ifPresent(e -> {
            for (JsonNode allow : e.content().path("allow")) {
                if ("m.room_membership".equals(allow.path("type").asString(null)) && allow.path("room_id").isString()) {
                    ids.add(allow.path("room_id").asString());
                }
            }
        });
        return ids;
    }

    private Optional<String> stateString(String roomId, String type, String field) {
        return store.currentState(roomId, type, "").map(e -> e.content().path(field))
                .filter(v -> v.isString() && !v.asString().isEmpty()).map(JsonNode::asString);
    }

    // ---- pagination: the token names the walk it continues, so it cannot be used for another one

    private static String token(Request request, int offset) {
        String raw = request.roomId() + "\n" + request.suggestedOnly() + "\n" + request.maxDepth() + "\n" + offset;
        return TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static int offset(Request request) {
        try {
            String from = request.from();
            if (!from.startsWith(TOKEN_PREFIX) || from.length() > 1024) throw new IllegalArgumentException();
            String[] parts = new String(Base64.getUrlDecoder().decode(from.substring(TOKEN_PREFIX.length())),
                    StandardCharsets.UTF_8).split("\n", -1);
            if (parts.length != 4 || !parts[0].equals(request.roomId())
                    || !parts[1].equals(String.valueOf(request.suggestedOnly()))
                    || !parts[2].equals(String.valueOf(request.maxDepth()))) {
                throw new IllegalArgumentException();
            }
            int offset = Integer.parseInt(parts[3]);
            if (offset < 0) throw new IllegalArgumentException();
            return offset;
        } catch (IllegalArgumentException e) {
            throw MatrixException.invalidParam("Unknown pagination token");
        }
    }
}

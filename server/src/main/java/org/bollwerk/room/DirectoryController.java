package org.bollwerk.room;

import org.bollwerk.matrix.auth.Membership;
import org.bollwerk.account.Requester;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.auth.PowerLevels;
import org.bollwerk.matrix.id.RoomAlias;
import org.bollwerk.matrix.id.RoomId;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.bollwerk.tenant.TenantService;
import org.bollwerk.web.JsonBody;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Room aliases and the local room directory ({@code publicRooms}), scoped to the caller's tenant. */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class DirectoryController {
    private final Db db;
    private final EventStore store;
    private final RoomReader reader;
    private final TenantService tenants;

    DirectoryController(Db db, EventStore store, RoomReader reader, TenantService tenants) {
        this.db = db;
        this.store = store;
        this.reader = reader;
        this.tenants = tenants;
    }

    @GetMapping("/directory/room/{alias}")
    Map<String, Object> resolve(Requester requester, @PathVariable String alias) {
        String roomId = reader.resolveAlias(requester.userId(), RoomAlias.parse(alias).toString());
        return Map.of("room_id", roomId, "servers", List.of(RoomId.parse(roomId).domain()));
    }

    @PutMapping("/directory/room/{alias}")
    Map<String, Object> create(Requester requester, @PathVariable String alias, @RequestBody(required = false) byte[] raw) {
        RoomAlias parsed = RoomAlias.parse(alias);
        if (!tenants.tenantOfDomain(parsed.domain()).map(requester.tenantId()::equals).orElse(false)) {
            throw MatrixException.invalidParam("Aliases must use one of your organisation's domains");
        }
        String roomId = RoomId.parse(JsonBody.string(Json.parseObject(raw), "room_id", true)).toString();
        db.write(() -> {
            if (store.membership(roomId, requester.userId()).orElse(null) != Membership.JOIN) {
                throw MatrixException.forbidden("You must be joined to the room to give it an alias");
            }
            if (store.roomOfAlias(parsed.toString()).isPresent()) {
                throw new MatrixException(ErrCode.M_UNKNOWN, 409, "Room alias already exists", Map.of());
            }
            store.insertAlias(parsed.toString(), roomId, requester.userId(), System.currentTimeMillis());
        });
        return Map.of();
    }

    @DeleteMapping("/directory/room/{alias}")
    Map<String, Object> delete(Requester requester, @PathVariable String alias) {
        String canonical = RoomAlias.parse(alias).toString();
        reader.resolveAlias(requester.userId(), canonical);  // another organisation's alias answers as an unknown one
        db.write(() -> {
            String creator = store.aliasCreator(canonical).orElseThrow(() -> MatrixException.notFound("Room alias not found"));
            if (!creator.equals(requester.userId()) && !requester.admin()) {
                throw MatrixException.forbidden("Only the alias's creator or an admin may delete it");
            }
            store.deleteAlias(canonical);
        });
        return Map.of();
    }

    @GetMapping("/rooms/{roomId}/aliases")
    Map<String, Object> aliases(Requester requester, @PathVariable String roomId) {
        RoomId.parse(roomId);
        reader.requireCanRead(roomId, requester.userId());
        return Map.of("aliases", store.aliases(roomId));
    }

    @GetMapping("/directory/list/room/{roomId}")
    Map<String, Object> visibility(@PathVariable String roomId) {
        RoomId.parse(roomId);
        EventStore.RoomRow room = store.room(roomId).orElseThrow(() -> MatrixException.notFound("Unknown room"));
        return Map.of("visibility", room.published() ? "public" : "private");
    }

    @PutMapping("/directory/list/room/{roomId}")
    Map<String, Object> setVisibility(Requester requester, @PathVariable String roomId,
                                      @RequestBody(required = false) byte[] raw) {
        RoomId.parse(roomId);
        String visibility = JsonBody.string(Json.parseObject(raw), "visibility", true);
        if (!visibility.equals("public") && !visibility.equals("private")) {
            throw MatrixException.invalidParam("visibility must be public or private");
        }
        db.write(() -> {
            EventStore.RoomRow room = store.room(roomId).orElseThrow(() -> MatrixException.notFound("Unknown room"));
            if (!requester.admin() && !mayPublish(room, requester.userId())) {
                throw MatrixException.forbidden("You need the power to set the room's canonical alias to publish it");
            }
            store.setPublished(roomId, visibility.equals("public"));
        });
        return Map.of();
    }

    /**
     * As Synapse: a joined member whose power level suffices to send {@code m.room.canonical_alias} (the
     * room's public address) may list or unlist the room; plain members may not.
     */
    private boolean mayPublish(EventStore.RoomRow room, String userId) {
        if (store.membership(room.roomId(), userId).orElse(null) != Membership.JOIN) return false;
        ObjectNode levels = store.currentState(room.roomId(), "m.room.power_levels", "").map(StoredEvent::content).orElse(null);
        return PowerLevels.of(levels, UserId.parse(room.creator()))
                .canSend(UserId.parse(userId), "m.room.canonical_alias", true);
    }

    @GetMapping("/publicRooms")
    Map<String, Object> publicRooms(Requester requester, @RequestParam(required = false) String limit,
                                    @RequestParam(required = false) String since) {
        return page(requester, HistoryController.parseLimit(limit, 100), since, null);
    }

    @PostMapping("/publicRooms")
    Map<String, Object> searchPublicRooms(Requester requester, @RequestBody(required = false) byte[] raw) {
        ObjectNode body = raw == null || raw.length == 0 ? Json.MAPPER.createObjectNode() : Json.parseObject(raw);
        Long limit = JsonBody.integer(body, "limit");
        ObjectNode filter = JsonBody.object(body, "filter", false);
        String term = filter == null ? null : JsonBody.string(filter, "generic_search_term", false);
        return page(requester, limit == null ? 100 : (int) Math.max(1, Math.min(limit, 500)),
                JsonBody.string(body, "since", false), term);
    }

    private Map<String, Object> page(Requester requester, int limit, String since, String term) {
        int offset = 0;
        if (since != null) {
            try {
                offset = Integer.parseInt(since.startsWith("o") ? since.substring(1) : since);
            } catch (NumberFormatException e) {
                throw MatrixException.invalidParam("Invalid since token");
            }
            if (offset < 0) throw MatrixException.invalidParam("Invalid since token");   // "-1", "o-5": not ours
        }
        List<Map<String, Object>> rooms = new ArrayList<>();
        for (String roomId : store.publishedRooms(requester.tenantId())) {
            Map<String, Object> chunk = describe(roomId);
            if (term != null && !matches(chunk, term)) continue;
            rooms.add(chunk);
        }
        rooms.sort((a, b) -> Integer.compare((int) b.get("num_joined_members"), (int) a.get("num_joined_members")));
        int from = Math.min(offset, rooms.size());
        int to = Math.min(from + limit, rooms.size());
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("chunk", rooms.subList(from, to));
        response.put("total_room_count_estimate", rooms.size());
        if (to < rooms.size()) response.put("next_batch", "o" + to);
        if (from > 0) response.put("prev_batch", "o" + Math.max(0, from - limit));
        return response;
    }

    private Map<String, Object> describe(String roomId) {
        Map<String, Object> chunk = new LinkedHashMap<>();
        chunk.put("room_id", roomId);
        chunk.put("num_joined_members", reader.joinedCount(roomId));
        chunk.put("world_readable", stateField(roomId, "m.room.history_visibility", "history_visibility")
                .equals("world_readable"));
        chunk.put("guest_can_join", stateField(roomId, "m.room.guest_access", "guest_access").equals("can_join"));
        String joinRule = stateField(roomId, "m.room.join_rules", "join_rule");
        chunk.put("join_rule", joinRule.isEmpty() ? "invite" : joinRule);
        put(chunk, "name", stateField(roomId, "m.room.name", "name"));
        put(chunk, "topic", stateField(roomId, "m.room.topic", "topic"));
        put(chunk, "canonical_alias", stateField(roomId, "m.room.canonical_alias", "alias"));
        put(chunk, "avatar_url", stateField(roomId, "m.room.avatar", "url"));
        return chunk;
    }

    private static void put(Map<String, Object> chunk, String key, String value) {
        if (!value.isEmpty()) chunk.put(key, value);
    }

    private String stateField(String roomId, String type, String field) {
        return store.currentState(roomId, type, "").map(e -> e.content().path(field).asString("")).orElse("");
    }

    private static boolean matches(Map<String, Object> chunk, String term) {
        String needle = term.toLowerCase(Locale.ROOT);
        for (String key : List.of("name", "topic", "canonical_alias")) {
            Object value = chunk.get(key);
            if (value instanceof String s && s.toLowerCase(Locale.ROOT).contains(needle)) return true;
        }
        return false;
    }
}

package org.bollwerk.room;

import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.ErrCode;
import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.account.Requester;
import org.bollwerk.matrix.id.RoomAlias;
import org.bollwerk.matrix.id.RoomId;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.web.JsonBody;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/** createRoom, upgrades, joining, knocking and leaving, invites, kicks and bans, joined_rooms. */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class MembershipController {
    private final RoomService rooms;
    private final RoomReader reader;
    private final RoomCreator creator;
    private final RoomUpgrader upgrader;

    MembershipController(RoomService rooms, RoomReader reader, RoomCreator creator, RoomUpgrader upgrader) {
        this.rooms = rooms;
        this.reader = reader;
        this.creator = creator;
        this.upgrader = upgrader;
    }

    @PostMapping("/createRoom")
    Map<String, Object> createRoom(Requester requester, @RequestBody(required = false) byte[] raw) {
        return Map.of("room_id", creator.create(requester, Json.parseObject(raw)));
    }

    /** Answers {@code {"replacement_room": …}}; see {@link RoomUpgrader}. */
    @PostMapping("/rooms/{roomId}/upgrade")
    Map<String, Object> upgrade(Requester requester, @PathVariable String roomId, @RequestBody(required = false) byte[] raw) {
        String newVersion = JsonBody.string(Json.parseObject(raw), "new_version", true);
        return Map.of("replacement_room", upgrader.upgrade(requester, RoomId.parse(roomId).toString(), newVersion));
    }

    @PostMapping("/join/{roomIdOrAlias}")
    Map<String, Object> joinByIdOrAlias(Requester requester, @PathVariable String roomIdOrAlias,
                                        @RequestBody(required = false) byte[] raw) {
        String roomId = resolve(requester, roomIdOrAlias);
        return Map.of("room_id", rooms.join(requester, roomId, reason(raw)));
    }

    /** {@code via}/{@code server_name} are ignored: every room this server knows is local. */
    @PostMapping("/knock/{roomIdOrAlias}")
    Map<String, Object> knock(Requester requester, @PathVariable String roomIdOrAlias,
                              @RequestBody(required = false) byte[] raw) {
        String roomId = resolve(requester, roomIdOrAlias);
        return Map.of("room_id", rooms.knock(requester, roomId, reason(raw)));
    }

    @PostMapping("/rooms/{roomId}/join")
    Map<String, Object> join(Requester requester, @PathVariable String roomId, @RequestBody(required = false) byte[] raw) {
        RoomId.parse(roomId);
        return Map.of("room_id", rooms.join(requester, roomId, reason(raw)));
    }

    @PostMapping("/rooms/{roomId}/invite")
    Map<String, Object> invite(Requester requester, @PathVariable String roomId, @RequestBody(required = false) byte[] raw) {
        ObjectNode body = Json.parseObject(raw);
        if (!body.has("user_id") && (body.has("medium") || body.has("address"))) {
            // A third-party invite (by e-mail or phone): out by design, refused as the 3PID endpoints are.
            throw new MatrixException(ErrCode.M_THREEPID_DENIED,
                    "This server does not use e-mail addresses or phone numbers (third-party identifiers)");
        }
        rooms.invite(requester, RoomId.parse(roomId).toString(), JsonBody.string(body, "user_id", true),
                JsonBody.string(body, "reason", false));
        return Map.of();
    }

    @PostMapping("/rooms/{roomId}/leave")
    Map<String, Object> leave(Requester requester, @PathVariable String roomId, @RequestBody(required = false) byte[] raw) {
        rooms.leave(requester, RoomId.parse(roomId).toString(), reason(raw));
        return Map.of();
    }

    @PostMapping("/rooms/{roomId}/forget")
    Map<String, Object> forget(Requester requester, @PathVariable String roomId) {
        rooms.forget(requester, RoomId.parse(roomId).toString());
        return Map.of();
    }

    @PostMapping("/rooms/{roomId}/kick")
    Map<String, Object> kick(Requester requester, @PathVariable String roomId, @RequestBody(required = false) byte[] raw) {
        ObjectNode body = Json.parseObject(raw);
        rooms.kick(requester, RoomId.parse(roomId).toString(), JsonBody.string(body, "user_id", true),
                JsonBody.string(body, "reason", false));
        return Map.of();
    }

    @PostMapping("/rooms/{roomId}/ban")
    Map<String, Object> ban(Requester requester, @PathVariable String roomId, @RequestBody(required = false) byte[] raw) {
        ObjectNode body = Json.parseObject(raw);
        rooms.ban(requester, RoomId.parse(roomId).toString(), JsonBody.string(body, "user_id", true),
                JsonBody.string(body, "reason", false));
        return Map.of();
    }

    @PostMapping("/rooms/{roomId}/unban")
    Map<String, Object> unban(Requester requester, @PathVariable String roomId, @RequestBody(required = false) byte[] raw) {
        ObjectNode body = Json.parseObject(raw);
        rooms.unban(requester, RoomId.parse(roomId).toString(), JsonBody.string(body, "user_id", true),
                JsonBody.string(body, "reason", false));
        return Map.of();
    }

    @GetMapping("/joined_rooms")
    Map<String, Object> joinedRooms(Requester requester) {
        return Map.of("joined_rooms", reader.joinedRooms(requester.userId()));
    }

    private String resolve(Requester requester, String roomIdOrAlias) {
        if (roomIdOrAlias.startsWith("#")) {
            return reader.resolveAlias(requester.userId(), RoomAlias.parse(roomIdOrAlias).toString());
        }
        return RoomId.parse(roomIdOrAlias).toString();
    }

    private static String reason(byte[] raw) {
        if (raw == null || raw.length == 0) return null;
        return JsonBody.string(Json.parseObject(raw), "reason", false);
    }
}

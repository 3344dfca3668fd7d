package org.bollwerk.room;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.RoomId;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.ratelimit.RateLimiter;
import org.bollwerk.web.JsonBody;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/** Sending messages and state, redactions, reading single events and room state. */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class EventController {
    private final RoomService rooms;
    private final RoomReader reader;
    private final RateLimiter rateLimiter;

    EventController(RoomService rooms, RoomReader reader, RateLimiter rateLimiter) {
        this.rooms = rooms;
        this.reader = reader;
        this.rateLimiter = rateLimiter;
    }

    @PutMapping("/rooms/{roomId}/send/{eventType}/{txnId}")
    Map<String, Object> send(Requester requester, @PathVariable String roomId, @PathVariable String eventType,
                             @PathVariable String txnId, @RequestBody(required = false) byte[] raw,
                             HttpServletRequest request) {
        RoomId.parse(roomId);
        if (txnId.isEmpty() || txnId.length() > 255) throw MatrixException.invalidParam("Invalid transaction ID");
        ObjectNode content = Json.parseObject(raw);
        rateLimiter.checkSend(requester, request.getRemoteAddr());
        return Map.of("event_id", rooms.send(requester, roomId, eventType, txnId, content));
    }

    @PutMapping({"/rooms/{roomId}/state/{eventType}", "/rooms/{roomId}/state/{eventType}/"})
    Map<String, Object> putEmptyKeyState(Requester requester, @PathVariable String roomId,
                                         @PathVariable String eventType, @RequestBody(required = false) byte[] raw,
                                         HttpServletRequest request) {
        return putState(requester, roomId, eventType, "", raw, request);
    }

    @PutMapping("/rooms/{roomId}/state/{eventType}/{stateKey}")
    Map<String, Object> putState(Requester requester, @PathVariable String roomId, @PathVariable String eventType,
                                 @PathVariable String stateKey, @RequestBody(required = false) byte[] raw,
                                 HttpServletRequest request) {
        RoomId.parse(roomId);
        ObjectNode content = Json.parseObject(raw);
        rateLimiter.checkSend(requester, request.getRemoteAddr());
        return Map.of("event_id", rooms.putState(requester, roomId, eventType, stateKey, content));
    }

    @GetMapping({"/rooms/{roomId}/state/{eventType}", "/rooms/{roomId}/state/{eventType}/"})
    ObjectNode getEmptyKeyState(Requester requester, @PathVariable String roomId, @PathVariable String eventType) {
        return getState(requester, roomId, eventType, "");
    }

    @GetMapping("/rooms/{roomId}/state/{eventType}/{stateKey}")
    ObjectNode getState(Requester requester, @PathVariable String roomId, @PathVariable String eventType,
                        @PathVariable String stateKey) {
        RoomId.parse(roomId);
        StoredEvent event = stateVisibleTo(requester, roomId).stream()
                .filter(e -> e.type().equals(eventType) && e.stateKey().equals(stateKey))
                .findFirst().orElseThrow(() -> MatrixException.notFound("Event not found"));
        return event.content();
    }

    @GetMapping("/rooms/{roomId}/state")
    List<ObjectNode> allState(Requester requester, @PathVariable String roomId) {
        RoomId.parse(roomId);
        return stateVisibleTo(requester, roomId).stream()
                .map(e -> ClientEvents.format(e, requester.userId(), requester.deviceId())).toList();
    }

    /** Current state for members; the state at the moment they left for former members. */
    private List<StoredEvent> stateVisibleTo(Requester requester, String roomId) {
        reader.requireCanRead(roomId, requester.userId());
        String membership = reader.membership(roomId, requester.userId()).orElse("leave");
        if ("join".equals(membership)) return reader.currentState(roomId);
        return reader.stateAt(roomId, reader.readableUpTo(roomId, requester.userId()));
    }

    @PutMapping("/rooms/{roomId}/redact/{eventId}/{txnId}")
    Map<String, Object> redact(Requester requester, @PathVariable String roomId, @PathVariable String eventId,
                               @PathVariable String txnId, @RequestBody(required = false) byte[] raw,
                               HttpServletRequest request) {
        RoomId.parse(roomId);
        org.bollwerk.matrix.id.EventId.parse(eventId);
        ObjectNode body = raw == null || raw.length == 0 ? Json.MAPPER.createObjectNode() : Json.parseObject(raw);
        rateLimiter.checkSend(requester, request.getRemoteAddr());
        return Map.of("event_id", rooms.redact(requester, roomId, eventId, txnId, JsonBody.string(body, "reason", false)));
    }

    @GetMapping("/rooms/{roomId}/event/{eventId}")
    ObjectNode event(Requester requester, @PathVariable String roomId, @PathVariable String eventId) {
        RoomId.parse(roomId);
        return ClientEvents.format(reader.event(roomId, requester.userId(), eventId), requester.userId(),
                requester.deviceId());
    }
}

package org.bollwerk.delayed;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.RoomId;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.ratelimit.RateLimiter;
import org.bollwerk.web.JsonBody;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Locale;
import java.util.Map;

/**
 * MSC4140 as clients call it today: {@code /send} and {@code /state} with the query parameter
 * {@code org.matrix.msc4140.delay} schedule instead of sending (these mappings win over the plain ones only
 * when the parameter is present), the MSC's own {@code delayed_event} endpoint, and the management endpoints
 * in both shapes Synapse has served ({@code …/{delayId}/{action}} and {@code …/{delayId}} with an action in the body).
 */
@RestController
class DelayedEventsController {
    static final String DELAY = "org.matrix.msc4140.delay";
    private static final String UNSTABLE = "/_matrix/client/unstable/org.matrix.msc4140";

    private final DelayedEvents delayed;
    private final RateLimiter rateLimiter;

    DelayedEventsController(DelayedEvents delayed, RateLimiter rateLimiter) {
        this.delayed = delayed;
        this.rateLimiter = rateLimiter;
    }

    @PutMapping(path = {"/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}",
            "/_matrix/client/r0/rooms/{roomId}/send/{eventType}/{txnId}"}, params = DELAY)
    Map<String, Object> scheduleMessage(Requester requester, @PathVariable String roomId, @PathVariable String eventType,
                                        @PathVariable String txnId, @RequestParam(DELAY) String delay,
                                        @RequestBody(required = false) byte[] raw, HttpServletRequest request) {
        return schedule(requester, roomId, eventType, null, txnId, Json.parseObject(raw), delay(delay), request);
    }

    @PutMapping(path = {"/_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}",
            "/_matrix/client/r0/rooms/{roomId}/state/{eventType}/{stateKey}"}, params = DELAY)
    Map<String, Object> scheduleState(Requester requester, @PathVariable String roomId, @PathVariable String eventType,
                                      @PathVariable String stateKey, @RequestParam(DELAY) String delay,
                                      @RequestBody(required = false) byte[] raw, HttpServletRequest request) {
        return schedule(requester, roomId, eventType, stateKey, null, Json.parseObject(raw), delay(delay), request);
    }

    @PutMapping(path = {"/_matrix/client/v3/rooms/{roomId}/state/{eventType}", "/_matrix/client/v3/rooms/{roomId}/state/{eventType}/",
            "/_matrix/client/r0/rooms/{roomId}/state/{eventType}", "/_matrix/client/r0/rooms/{roomId}/state/{eventType}/"},
            params = DELAY)
    Map<String, Object> scheduleEmptyKeyState(Requester requester, @PathVariable String roomId,
                                              @PathVariable String eventType, @RequestParam(DELAY) String delay,
                                              @RequestBody(required = false) byte[] raw, HttpServletRequest request) {
        return schedule(requester, roomId, eventType, "", null, Json.parseObject(raw), delay(delay), request);
    }

    /** The MSC's current form: {@code {"delay":…, "state_key"?:…, "content":{…}}}. */
    @PutMapping(UNSTABLE + "/rooms/{roomId}/delayed_event/{eventType}/{txnId}")
    Map<String, Object> scheduleDelayedEvent(Requester requester, @PathVariable String roomId,
                                             @PathVariable String eventType, @PathVariable String txnId,
                                             @RequestBody(required = false) byte[] raw, HttpServletRequest request) {
        ObjectNode body = Json.parseObject(raw);
        JsonNode delay = body.get("delay");
        if (delay == null || !delay.isIntegralNumber()) throw MatrixException.invalidParam("'delay' must be an integer");
        return schedule(requester, roomId, eventType, JsonBody.string(body, "state_key", false), txnId,
                JsonBody.object(body, "content", true), delay.asLong(), request);
    }

    private Map<String, Object> schedule(Requester requester, String roomId, String type, String stateKey, String txnId,
                                         ObjectNode content, long delayMs, HttpServletRequest request) {
        RoomId.parse(roomId);
        if (txnId != null && (txnId.isEmpty() || txnId.length() > 255)) {
            throw MatrixException.invalidParam("Invalid transaction ID");
        }
        rateLimiter.checkSend(requester, request.getRemoteAddr());
        return Map.of("delay_id", delayed.schedule(requester, roomId, type, stateKey, txnId, content, delayMs));
    }

    private static long delay(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam(DELAY + " must be a number of milliseconds");
        }
    }

    @GetMapping(UNSTABLE + "/delayed_events")
    Map<String, Object> list(Requester requester, @RequestParam(required = false) String status,
                             @RequestParam(name = "room_id", required = false) String roomId,
                             @RequestParam(required = false) String type,
                             @RequestParam(name = "delay_id", required = false) java.util.List<String> delayIds) {
        return delayed.list(requester, status, roomId, type, delayIds);
    }

    @GetMapping(UNSTABLE + "/delayed_events/{delayId}")
    Map<String, Object> get(Requester requester, @PathVariable String delayId) {
        return delayed.get(requester, delayId);
    }

    /** Unauthenticated by the MSC: the delay ID is the capability. Limited by the owner's send rate. */
    @PostMapping(UNSTABLE + "/delayed_events/{delayId}/{action}")
    Map<String, Object> act(@PathVariable String delayId, @PathVariable String action, HttpServletRequest request) {
        return act(delayId, parseAction(action), request);
    }

    /** The earlier shape of the same, with the action in the body. */
    @PostMapping(UNSTABLE + "/delayed_events/{delayId}")
    Map<String, Object> actByBody(@PathVariable String delayId, @RequestBody(required = false) byte[] raw,
                                  HttpServletRequest request) {
        return act(delayId, parseAction(JsonBody.string(Json.parseObject(raw), "action", true)), request);
    }

    private Map<String, Object> act(String delayId, DelayedEvents.Action action, HttpServletRequest request) {
        rateLimiter.checkSend(delayed.owner(delayId), request.getRemoteAddr());
        delayed.act(delayId, action);
        return Map.of();
    }

    private static DelayedEvents.Action parseAction(String action) {
        return switch (action) {
            case "cancel", "restart", "send" -> DelayedEvents.Action.valueOf(action.toUpperCase(Locale.ROOT));
            default -> throw MatrixException.invalidParam("'action' is not one of 'cancel', 'restart', 'send'");
        };
    }
}

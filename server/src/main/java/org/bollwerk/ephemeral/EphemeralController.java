package org.bollwerk.ephemeral;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.EventId;
import org.bollwerk.matrix.id.RoomId;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.room.RoomReader;
import org.bollwerk.room.StoredEvent;
import org.bollwerk.userdata.AccountDataService;
import org.bollwerk.web.JsonBody;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/** {@code /typing}, {@code /receipt} and {@code /read_markers}. */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class EphemeralController {
    private final TypingService typing;
    private final ReceiptService receipts;
    private final RoomReader rooms;
    private final AccountDataService accountData;

    EphemeralController(TypingService typing, ReceiptService receipts, RoomReader rooms, AccountDataService accountData) {
        this.typing = typing;
        this.receipts = receipts;
        this.rooms = rooms;
        this.accountData = accountData;
    }

    @PutMapping("/rooms/{roomId}/typing/{userId}")
    Map<String, Object> typing(Requester requester, @PathVariable String roomId, @PathVariable String userId,
                               @RequestBody(required = false) byte[] raw) {
        RoomId.parse(roomId);
        if (!userId.equals(requester.userId())) throw MatrixException.forbidden("You may only set your own typing state");
        ObjectNode body = Json.parseObject(raw);
        boolean isTyping = JsonBody.bool(body, "typing", false);
        if (!body.has("typing")) throw MatrixException.missingParam("Missing 'typing'");
        Long timeout = JsonBody.integer(body, "timeout");
        requireJoined(roomId, requester.userId());
        typing.setTyping(roomId, userId, isTyping, timeout == null ? 30_000 : timeout);
        return Map.of();
    }

    @PostMapping("/rooms/{roomId}/receipt/{receiptType}/{eventId}")
    Map<String, Object> receipt(Requester requester, @PathVariable String roomId, @PathVariable String receiptType,
                                @PathVariable String eventId, @RequestBody(required = false) byte[] raw) {
        RoomId.parse(roomId);
        if (!ReceiptService.validType(receiptType)) throw MatrixException.invalidParam("Unknown receipt type");
        ObjectNode body = raw == null || raw.length == 0 ? Json.MAPPER.createObjectNode() : Json.parseObject(raw);
        EventId.parse(eventId);
        String threadId = JsonBody.string(body, "thread_id", false);
        if (threadId != null && !threadId.equals("main")) EventId.parse(threadId); // "main" or a thread root
        requireJoined(roomId, requester.userId());
        StoredEvent event = rooms.event(roomId, requester.userId(), eventId);
        if (receiptType.equals("m.fully_read")) {
            fullyRead(requester, roomId, eventId);
        } else {
            receipts.receipt(roomId, requester.userId(), receiptType, threadId, event);
        }
        return Map.of();
    }

    @PostMapping("/rooms/{roomId}/read_markers")
    Map<String, Object> readMarkers(Requester requester, @PathVariable String roomId,
                                    @RequestBody(required = false) byte[] raw) {
        RoomId.parse(roomId);
        ObjectNode body = Json.parseObject(raw);
        String fullyRead = JsonBody.string(body, "m.fully_read", false);
        String read = JsonBody.string(body, "m.read", false);
        String readPrivate = JsonBody.string(body, "m.read.private", false);
        for (String eventId : new String[] {fullyRead, read, readPrivate}) {
            if (eventId != null) EventId.parse(eventId);
        }
        requireJoined(roomId, requester.userId());
        if (read != null) receipts.receipt(roomId, requester.userId(), "m.read", null,
                rooms.event(roomId, requester.userId(), read));
        if (readPrivate != null) receipts.receipt(roomId, requester.userId(), "m.read.private", null,
                rooms.event(roomId, requester.userId(), readPrivate));
        if (fullyRead != null) {
            rooms.event(roomId, requester.userId(), fullyRead);
            fullyRead(requester, roomId, fullyRead);
        }
        return Map.of();
    }

    private void fullyRead(Requester requester, String roomId, String eventId) {
        accountData.putRoom(requester.userId(), roomId, "m.fully_read",
                Json.MAPPER.createObjectNode().put("event_id", eventId));
    }

    private void requireJoined(String roomId, String userId) {
        if (!"join".equals(rooms.membership(roomId, userId).orElse(null))) {
            throw MatrixException.forbidden("You are not joined to this room");
        }
    }
}

package org.bollwerk.userdata;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.RoomId;
import org.bollwerk.matrix.json.Json;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/** {@code /user/{userId}/account_data/{type}} and {@code /user/{userId}/rooms/{roomId}/account_data/{type}}. */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class AccountDataController {
    private final AccountDataService accountData;

    AccountDataController(AccountDataService accountData) {
        this.accountData = accountData;
    }

    @GetMapping("/user/{userId}/account_data/{type}")
    ObjectNode get(Requester requester, @PathVariable String userId, @PathVariable String type) {
        ownOnly(requester, userId, "read");
        return accountData.global(userId, type).orElseThrow(AccountDataController::notFound);
    }

    @PutMapping("/user/{userId}/account_data/{type}")
    Map<String, Object> put(Requester requester, @PathVariable String userId, @PathVariable String type,
                            @RequestBody(required = false) byte[] raw) {
        ownOnly(requester, userId, "add");
        ObjectNode content = Json.parseObject(raw);
        accountData.putGlobal(userId, type, content);
        return Map.of();
    }

    @GetMapping("/user/{userId}/rooms/{roomId}/account_data/{type}")
    ObjectNode getRoom(Requester requester, @PathVariable String userId, @PathVariable String roomId,
                       @PathVariable String type) {
        ownOnly(requester, userId, "read");
        RoomId.parse(roomId);
        return accountData.room(userId, roomId, type).orElseThrow(AccountDataController::notFound);
    }

    @PutMapping("/user/{userId}/rooms/{roomId}/account_data/{type}")
    Map<String, Object> putRoom(Requester requester, @PathVariable String userId, @PathVariable String roomId,
                                @PathVariable String type, @RequestBody(required = false) byte[] raw) {
        ownOnly(requester, userId, "add");
        RoomId.parse(roomId);
        ObjectNode content = Json.parseObject(raw);
        accountData.putRoomFromClient(userId, roomId, type, content);
        return Map.of();
    }

    private static void ownOnly(Requester requester, String userId, String verb) {
        if (!requester.userId().equals(userId)) {
            throw MatrixException.forbidden("Cannot " + verb + " account data of other users.");
        }
    }

    private static MatrixException notFound() {
        return MatrixException.notFound("Account data not found.");
    }
}

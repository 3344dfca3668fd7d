package org.bollwerk.userdata;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.RoomId;
import org.bollwerk.matrix.json.Json;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Room tags (favourites, low priority, the user's own): kept as the room account data {@code m.tag} that
 * clients read from {@code /sync}, changed one tag at a time inside one write so concurrent changes from two
 * devices do not overwrite each other.
 */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class RoomTagsController {
    static final String TAG_TYPE = "m.tag";
    private static final int MAX_TAG_BYTES = 255;
    private static final int MAX_TAGS_PER_ROOM = 100;
    private final AccountDataService accountData;

    RoomTagsController(AccountDataService accountData) {
        this.accountData = accountData;
    }

    @GetMapping("/user/{userId}/rooms/{roomId}/tags")
    Map<String, Object> tags(Requester requester, @PathVariable String userId, @PathVariable String roomId) {
        ownOnly(requester, userId);
        RoomId.parse(roomId);
        JsonNode tags = accountData.room(userId, roomId, TAG_TYPE).map(c -> c.get("tags")).orElse(null);
        return Map.of("tags", tags != null && tags.isObject() ? tags : Json.MAPPER.createObjectNode());
    }

    @PutMapping("/user/{userId}/rooms/{roomId}/tags/{tag}")
    Map<String, Object> put(Requester requester, @PathVariable String userId, @PathVariable String roomId,
                            @PathVariable String tag, @RequestBody(required = false) byte[] raw) {
        ownOnly(requester, userId);
        RoomId.parse(roomId);
        checkTag(tag);
        ObjectNode body = Json.parseObject(raw);
        JsonNode order = body.get("order");
        if (order != null && !order.isNull() && (!order.isNumber() || order.asDouble() < 0 || order.asDouble() > 1)) {
            throw MatrixException.invalidParam("order must be a number between 0 and 1");
        }
        accountData.updateRoom(userId, roomId, TAG_TYPE, content -> {
            ObjectNode tags = tagsOf(content);
            if (!tags.has(tag) && tags.size() >= MAX_TAGS_PER_ROOM) {
                throw MatrixException.invalidParam("Too many tags on this room");
            }
            tags.set(tag, body);
            return content;
        });
        return Map.of();
    }

    @DeleteMapping("/user/{userId}/rooms/{roomId}/tags/{tag}")
    Map<String, Object> delete(Requester requester, @PathVariable String userId, @PathVariable String roomId,
                               @PathVariable String tag) {
        ownOnly(requester, userId);
        RoomId.parse(roomId);
        checkTag(tag);
        accountData.updateRoom(userId, roomId, TAG_TYPE, content -> {
            tagsOf(content).remove(tag);
            return content;
        });
        return Map.of();
    }

    /** The {@code tags} object of the content, created (or repaired, if a client stored junk) in place. */
    private static ObjectNode tagsOf(ObjectNode content) {
        JsonNode tags = content.get("tags");
        if (tags instanceof ObjectNode object) return object;
        return content.putObject("tags");
    }

    private static void checkTag(String tag) {
        if (tag.isEmpty() || tag.getBytes(StandardCharsets.UTF_8).length > MAX_TAG_BYTES) {
            throw MatrixException.invalidParam("A tag is 1 to " + MAX_TAG_BYTES + " bytes");
        }
    }

    private static void ownOnly(Requester requester, String userId) {
        if (!requester.userId().equals(userId)) throw MatrixException.forbidden("Cannot change tags of other users.");
    }
}

package org.bollwerk.room;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.UserId;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * Rooms in common with another user (MSC2666, unstable prefix {@code uk.half-shot.msc2666}), shown by clients
 * on a user's profile. Spec v1.19 made it stable at {@code /_matrix/client/v1/mutual_rooms}. All rooms come in one answer
 * (no {@code next_batch_token}); a {@code batch_token} is therefore never needed and is ignored.
 */
@RestController
class MutualRoomsController {
    private final RoomReader reader;

    MutualRoomsController(RoomReader reader) {
        this.reader = reader;
    }

    @GetMapping("/_matrix/client/unstable/uk.half-shot.msc2666/user/mutual_rooms")
    Map<String, Object> mutualRooms(Requester requester, @RequestParam(name = "user_id", required = false) String userId) {
        if (userId == null) throw MatrixException.missingParam("user_id is required");
        if (!UserId.isValid(userId)) throw MatrixException.invalidParam("user_id is not a valid user ID");
        if (userId.equals(requester.userId())) {
            // As the MSC and Synapse answer: asking for rooms in common with oneself is refused.
            throw new MatrixException(ErrCode.M_UNKNOWN, 422, "You cannot request a list of shared rooms with yourself", Map.of());
        }
        return Map.of("joined", reader.mutualRooms(requester.userId(), userId));
    }

    /**
     * The stable path of spec v1.19: the same answer; a missing, malformed or own user ID is 400
     * {@code M_INVALID_PARAM} there, and an unknown user simply has no rooms in common.
     */
    @GetMapping("/_matrix/client/v1/mutual_rooms")
    Map<String, Object> mutualRoomsStable(Requester requester, @RequestParam(name = "user_id", required = false) String userId) {
        if (userId == null || !UserId.isValid(userId) || userId.equals(requester.userId())) {
            throw MatrixException.invalidParam("The user ID provided was invalid");
        }
        return Map.of("joined", reader.mutualRooms(requester.userId(), userId));
    }
}

package org.bollwerk.room;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.RoomId;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * {@code GET /rooms/{roomId}/timestamp_to_event} (spec v1.6): the event nearest a point in time, used by
 * clients to jump to a date. Only events the requester may see under the room's history visibility count,
 * exactly as for {@code /messages}.
 */
@RestController
@RequestMapping("/_matrix/client/v1")
class TimestampController {
    private final RoomReader reader;

    TimestampController(RoomReader reader) {
        this.reader = reader;
    }

    @GetMapping("/rooms/{roomId}/timestamp_to_event")
    Map<String, Object> timestampToEvent(Requester requester, @PathVariable String roomId,
                                         @RequestParam(required = false) String ts,
                                         @RequestParam(required = false) String dir) {
        RoomId.parse(roomId);
        if (ts == null) throw MatrixException.invalidParam("ts is required");
        if (dir == null) throw MatrixException.invalidParam("dir is required");
        if (!dir.equals("f") && !dir.equals("b")) throw MatrixException.invalidParam("dir must be 'f' or 'b'");
        long timestamp;
        try {
            timestamp = Long.parseLong(ts);
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam("ts must be an integer (milliseconds since the epoch)");
        }
        if (timestamp < 0) throw MatrixException.invalidParam("ts must not be negative");
        StoredEvent event = reader.closestVisibleEvent(roomId, requester.userId(), timestamp, dir.equals("f"))
                .orElseThrow(() -> MatrixException.notFound("No event found " + (dir.equals("f") ? "after" : "before")
                        + " the given timestamp"));
        return Map.of("event_id", event.eventId(), "origin_server_ts", event.originServerTs());
    }
}

package org.bollwerk.report;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.RoomId;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.web.JsonBody;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/** The client API to report an event, a room or a user to the reporter's organisation. */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class ReportController {
    private final ContentReports reports;

    ReportController(ContentReports reports) {
        this.reports = reports;
    }

    @PostMapping("/rooms/{roomId}/report/{eventId}")
    Map<String, Object> reportEvent(Requester requester, @PathVariable String roomId, @PathVariable String eventId,
                                    @RequestBody(required = false) byte[] raw) {
        RoomId.parse(roomId);
        ObjectNode body = Json.parseObject(raw);
        Long score = JsonBody.integer(body, "score");
        if (score != null && (score < -100 || score > 0)) throw MatrixException.invalidParam("score must be between -100 and 0");
        reports.reportEvent(requester, roomId, eventId, JsonBody.string(body, "reason", false),
                score == null ? null : score.intValue());
        return Map.of();
    }

    @PostMapping("/rooms/{roomId}/report")
    Map<String, Object> reportRoom(Requester requester, @PathVariable String roomId, @RequestBody(required = false) byte[] raw) {
        RoomId.parse(roomId);
        reports.reportRoom(requester, roomId, JsonBody.string(Json.parseObject(raw), "reason", false));
        return Map.of();
    }

    @PostMapping("/users/{userId}/report")
    Map<String, Object> reportUser(Requester requester, @PathVariable String userId, @RequestBody(required = false) byte[] raw) {
        if (!UserId.isValid(userId)) throw MatrixException.invalidParam("Invalid user ID");
        reports.reportUser(requester, userId, JsonBody.string(Json.parseObject(raw), "reason", false));
        return Map.of();
    }
}

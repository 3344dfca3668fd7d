package org.bollwerk.room;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.RoomId;
import org.bollwerk.storage.StreamToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /relations} (reactions, edits, thread replies) and {@code /threads}, as in spec v1.4+. */
@RestController
@RequestMapping("/_matrix/client/v1")
class RelationsController {
    private final RoomReader reader;

    RelationsController(RoomReader reader) {
        this.reader = reader;
    }

    @GetMapping({"/rooms/{roomId}/relations/{eventId}", "/rooms/{roomId}/relations/{eventId}/{relType}",
            "/rooms/{roomId}/relations/{eventId}/{relType}/{eventType}"})
    Map<String, Object> relations(Requester requester, @PathVariable String roomId, @PathVariable String eventId,
                                  @PathVariable(required = false) String relType,
                                  @PathVariable(required = false) String eventType,
                                  @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                                  @RequestParam(defaultValue = "b") String dir,
                                  @RequestParam(required = false) String limit) {
        RoomId.parse(roomId);
        if (!dir.equals("b") && !dir.equals("f")) throw MatrixException.invalidParam("dir must be 'b' or 'f'");
        int max = HistoryController.parseLimit(limit, 50);
        String user = requester.userId();
        reader.event(roomId, user, eventId);  // 404 unless the parent is visible
        long ceiling = reader.readableUpTo(roomId, user);
        boolean backwards = dir.equals("b");
        long start = from != null ? Math.min(StreamToken.parse(from).position(), ceiling) : (backwards ? ceiling : 0);
        long bound = to != null ? StreamToken.parse(to).position() : (backwards ? 0 : ceiling);
        List<StoredEvent> batch = backwards
                ? reader.relations(eventId, relType, bound, start, max + 1, true)
                : reader.relations(eventId, relType, start, Math.min(bound, ceiling), max + 1, false);
        boolean more = batch.size() > max;
        if (more) batch = batch.subList(0, max);
        List<StoredEvent> visible = reader.visible(roomId, user, batch).stream()
                .filter(e -> e.roomId().equals(roomId))
                .filter(e -> eventType == null || eventType.equals(e.type())).toList();
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("chunk", visible.stream().map(e -> ClientEvents.format(e, user, requester.deviceId())).toList());
        if (more && !batch.isEmpty()) {
            long last = batch.get(batch.size() - 1).streamOrdering();
            response.put("next_batch", StreamToken.of(backwards ? last - 1 : last));
        }
        return response;
    }

    @GetMapping("/rooms/{roomId}/threads")
    Map<String, Object> threads(Requester requester, @PathVariable String roomId,
                                @RequestParam(required = false) String from,
                                @RequestParam(required = false) String limit,
                                @RequestParam(required = false) String include) {
        RoomId.parse(roomId);
        if (include != null && !include.equals("all") && !include.equals("participated")) {
            throw MatrixException.invalidParam("include must be 'all' or 'participated'");
        }
        int max = HistoryController.parseLimit(limit, 50);
        String user = requester.userId();
        reader.requireCanRead(roomId, user);
        long before = from == null ? Long.MAX_VALUE : StreamToken.parse(from).position();
        List<String> roots = reader.threadRoots(roomId, before, max + 1);
        boolean more = roots.size() > max;
        if (more) roots = roots.subList(0, max);
        Map<String, StoredEvent> events = reader.events(roots);
        List<StoredEvent> visible = reader.visible(roomId, user, roots.stream().map(events::get)
                .filter(java.util.Objects::nonNull).toList());
        if ("participated".equals(include)) {
            visible = visible.stream().filter(root -> root.sender().equals(user)
                    || reader.relations(root.eventId(), "m.thread", 0, Long.MAX_VALUE, 1000, false).stream()
                    .anyMatch(r -> r.sender().equals(user))).toList();
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("chunk", visible.stream().map(e -> ClientEvents.format(e, user, requester.deviceId())).toList());
        if (more && !visible.isEmpty()) {
            response.put("next_batch", StreamToken.of(visible.get(visible.size() - 1).streamOrdering()));
        }
        return response;
    }
}

package org.bollwerk.push;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.room.ClientEvents;
import org.bollwerk.room.RoomReader;
import org.bollwerk.room.StoredEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /notifications}: the events that notified the requester, newest first. */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class NotificationsController {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    private final NotificationStore store;
    private final Notifications notifications;
    private final RoomReader rooms;

    NotificationsController(NotificationStore store, Notifications notifications, RoomReader rooms) {
        this.store = store;
        this.notifications = notifications;
        this.rooms = rooms;
    }

    @GetMapping("/notifications")
    Map<String, Object> list(Requester requester, @RequestParam(required = false) String from,
                             @RequestParam(required = false) String limit,
                             @RequestParam(required = false) String only) {
        String user = requester.userId();
        long before = from == null || from.isEmpty() ? Long.MAX_VALUE : parse(from, "from");
        int max = limit == null || limit.isEmpty() ? DEFAULT_LIMIT : (int) Math.min(MAX_LIMIT, parse(limit, "limit"));
        if (max < 1) throw MatrixException.invalidParam("'limit' must be positive");
        boolean onlyHighlight = "highlight".equals(only);
        List<NotificationStore.Notification> page = store.page(user, before, max + 1, onlyHighlight);
        boolean more = page.size() > max;
        if (more) page = page.subList(0, max);
        Map<String, StoredEvent> events = rooms.events(page.stream().map(NotificationStore.Notification::eventId).toList());
        Map<String, Map<String, Long>> readByRoom = new HashMap<>();
        List<Map<String, Object>> chunk = new ArrayList<>();
        for (NotificationStore.Notification n : page) {
            StoredEvent event = events.get(n.eventId());
            if (event == null) continue;
            Map<String, Long> read = readByRoom.computeIfAbsent(n.roomId(), r -> notifications.readPositions(r, user));
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("actions", n.actions());
            entry.put("event", ClientEvents.format(event, user, requester.deviceId()));
            entry.put("read", notifications.isRead(n.roomId(), user, n.threadId(), n.eventPosition(), read));
            entry.put("room_id", n.roomId());
            entry.put("ts", n.ts());
            chunk.add(entry);
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("notifications", chunk);
        if (more) response.put("next_token", Long.toString(page.getLast().eventPosition()));
        return response;
    }

    private static long parse(String value, String name) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam("'" + name + "' must be a number");
        }
    }
}

package org.bollwerk.room;

import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides which events of a room a user may see: by the room's history visibility and the user's
 * membership at each event, so a user never sees what happened before they were allowed to.
 */
@Component
class HistoryVisibility {
    private final EventStore store;

    HistoryVisibility(EventStore store) {
        this.store = store;
    }

    /** Filters {@code events} (one room, any order) down to those {@code userId} may see. */
    List<StoredEvent> filter(String roomId, String userId, List<StoredEvent> events) {
        if (events.isEmpty()) return events;
        long upTo = events.stream().mapToLong(StoredEvent::streamOrdering).max().orElse(0);
        List<Map.Entry<Long, String>> memberships = store.stateHistory(roomId, "m.room.member", userId, "membership", upTo);
        List<Map.Entry<Long, String>> visibilities =
                store.stateHistory(roomId, "m.room.history_visibility", "", "history_visibility", upTo);
        String currentMembership = store.membership(roomId, userId).orElse("leave");
        List<StoredEvent> visible = new ArrayList<>(events.size());
        for (StoredEvent event : events) {
            if (maysee(event, userId, memberships, visibilities, currentMembership)) visible.add(event);
        }
        return visible;
    }

    private static boolean maysee(StoredEvent event, String userId, List<Map.Entry<Long, String>> memberships,
                                  List<Map.Entry<Long, String>> visibilities, String currentMembership) {
        long at = event.streamOrdering();
        // Users always see their own membership events (the invite, kick or ban that concerns them).
        if (userId.equals(event.stateKey()) && "m.room.member".equals(event.type())) return true;
        String membership = valueBefore(memberships, at, "leave");
        String visibility = valueBefore(visibilities, at, "shared");
        if ("join".equals(membership)) return true;
        return switch (visibility) {
            case "world_readable" -> true;
            case "shared" -> "join".equals(currentMembership);
            case "invited" -> "invite".equals(membership);
            default -> false;
        };
    }

    private static String valueBefore(List<Map.Entry<Long, String>> history, long position, String fallback) {
        String value = fallback;
        for (Map.Entry<Long, String> entry : history) {
            if (entry.getKey() >= position) break;
            value = entry.getValue();
        }
        return value;
    }
}

package org.bollwerk.room;

import org.bollwerk.matrix.auth.Membership;
import org.bollwerk.tenant.TenantIsolation;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides which events of a room a user may see: by the room's history visibility and the user's
 * membership at each event, so a user never sees what happened before they were allowed to.
 * {@code world_readable} opens a room's history only to those {@link TenantIsolation} lets see the room
 * (its own and partner organisations), never to every user of the deployment.
 */
@Component
class HistoryVisibility {
    private final EventStore store;
    private final TenantIsolation isolation;

    HistoryVisibility(EventStore store, TenantIsolation isolation) {
        this.store = store;
        this.isolation = isolation;
    }

    /** Whether world-readable history of the room is readable for this user without membership. */
    boolean worldReadableFor(String roomId, String userId) {
        return store.room(roomId).map(room -> isolation.seeRoom(userId, roomId, room.tenantId()).allowed()).orElse(false);
    }

    /** Filters {@code events} (one room, any order) down to those {@code userId} may see. */
    List<StoredEvent> filter(String roomId, String userId, List<StoredEvent> events) {
        if (events.isEmpty()) return events;
        long upTo = events.stream().mapToLong(StoredEvent::streamOrdering).max().orElse(0);
        List<Map.Entry<Long, String>> memberships = store.stateHistory(roomId, "m.room.member", userId, "membership", upTo);
        List<Map.Entry<Long, String>> visibilities =
                store.stateHistory(roomId, "m.room.history_visibility", "", "history_visibility", upTo);
        Membership currentMembership = store.membership(roomId, userId).orElse(Membership.LEAVE);
        boolean worldReadable = visibilities.stream().anyMatch(v -> "world_readable".equals(v.getValue()))
                && worldReadableFor(roomId, userId);
        List<StoredEvent> visible = new ArrayList<>(events.size());
        for (StoredEvent event : events) {
            if (maysee(event, userId, memberships, visibilities, currentMembership, worldReadable)) visible.add(event);
        }
        return visible;
    }

    private static boolean maysee(StoredEvent event, String userId, List<Map.Entry<Long, String>> memberships,
                                  List<Map.Entry<Long, String>> visibilities, Membership currentMembership,
                                  boolean worldReadableAllowed) {
        long at = event.streamOrdering();
        // Users always see their own membership events (the invite, kick or ban that concerns them).
        if (userId.equals(event.stateKey()) && "m.room.member".equals(event.type())) return true;
        String membership = valueBefore(memberships, at, "leave");
        String visibility = valueBefore(visibilities, at, "shared");
        if ("join".equals(membership)) return true;
        return switch (visibility) {
            case "world_readable" -> worldReadableAllowed;
            case "shared" -> currentMembership == Membership.JOIN;
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

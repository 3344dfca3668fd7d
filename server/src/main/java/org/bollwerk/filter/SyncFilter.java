package org.bollwerk.filter;

import java.util.List;

/**
 * A whole filter as {@code /sync} uses it. {@code rooms}/{@code notRooms}/{@code includeLeave} are the
 * top-level room filter; the event filters below apply per room (each may narrow rooms further).
 * {@code state.lazyLoadMembers()} (and {@code includeRedundantMembers()}) is also set when a client put
 * the flag into the timeline filter, as some clients do. {@code unreadThreadNotifications}: the client asked for
 * per-thread counts ({@code room.timeline.unread_thread_notifications}).
 */
public record SyncFilter(EventFilter presence, EventFilter accountData, List<String> rooms, List<String> notRooms,
                         boolean includeLeave, EventFilter timeline, EventFilter state, EventFilter ephemeral,
                         EventFilter roomAccountData, boolean unreadThreadNotifications) {

    /** No filter at all. */
    public static final SyncFilter DEFAULT = new SyncFilter(EventFilter.ALL, EventFilter.ALL, null, null, false,
            EventFilter.ALL, EventFilter.ALL, EventFilter.ALL, EventFilter.ALL, false);

    public SyncFilter {
        presence = orAll(presence);
        accountData = orAll(accountData);
        timeline = orAll(timeline);
        state = orAll(state);
        ephemeral = orAll(ephemeral);
        roomAccountData = orAll(roomAccountData);
        rooms = rooms == null ? null : List.copyOf(rooms);
        notRooms = notRooms == null ? null : List.copyOf(notRooms);
    }

    private static EventFilter orAll(EventFilter filter) {
        return filter == null ? EventFilter.ALL : filter;
    }

    /** Whether the top-level room filter lets this room into the sync response at all. */
    public boolean includesRoom(String roomId) {
        if (notRooms != null && notRooms.contains(roomId)) return false;
        return rooms == null || rooms.contains(roomId);
    }
}

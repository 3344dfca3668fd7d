package org.bollwerk.filter;

import java.util.List;

/**
 * An EventFilter or RoomEventFilter of the spec. A {@code null} list means "no restriction"; the
 * {@code not*} lists win over the positive ones. {@code types}/{@code notTypes} entries may use
 * {@code *} as a wildcard for any sequence of characters.
 */
public record EventFilter(Integer limit, List<String> types, List<String> notTypes, List<String> senders,
                          List<String> notSenders, List<String> rooms, List<String> notRooms, Boolean containsUrl,
                          boolean lazyLoadMembers, boolean includeRedundantMembers) {

    public static final int MAX_LIMIT = 1000;

    /** Lets everything through. */
    public static final EventFilter ALL = new EventFilter(null, null, null, null, null, null, null, null, false, false);

    public EventFilter {
        types = copy(types);
        notTypes = copy(notTypes);
        senders = copy(senders);
        notSenders = copy(notSenders);
        rooms = copy(rooms);
        notRooms = copy(notRooms);
    }

    private static List<String> copy(List<String> list) {
        return list == null ? null : List.copyOf(list);
    }

    /**
     * Whether an event passes this filter. {@code roomId} may be null for events outside rooms
     * (presence, global account data): then the room lists are not consulted.
     */
    public boolean matches(String roomId, String type, String sender, boolean hasUrl) {
        if (roomId != null) {
            if (notRooms != null && notRooms.contains(roomId)) return false;
            if (rooms != null && !rooms.contains(roomId)) return false;
        }
        if (sender != null) {
            if (notSenders != null && notSenders.contains(sender)) return false;
            if (senders != null && !senders.contains(sender)) return false;
        }
        if (type != null) {
            if (notTypes != null && anyMatches(notTypes, type)) return false;
            if (types != null && !anyMatches(types, type)) return false;
        }
        if (containsUrl != null && containsUrl != hasUrl) return false;
        return true;
    }

    /** The filter's limit, or {@code fallback} when it has none, clamped to 1..{@value #MAX_LIMIT}. */
    public int limitOr(int fallback) {
        long value = limit == null ? fallback : limit;
        return (int) Math.max(1, Math.min(MAX_LIMIT, value));
    }

    private static boolean anyMatches(List<String> patterns, String value) {
        for (String pattern : patterns) {
            if (wildcardMatches(pattern, value)) return true;
        }
        return false;
    }

    /** Glob match where {@code *} stands for any sequence; linear-time two-pointer algorithm, no regex. */
    static boolean wildcardMatches(String pattern, String value) {
        if (pattern.indexOf('*') < 0) return pattern.equals(value);
        int p = 0, v = 0, star = -1, mark = 0;
        while (v < value.length()) {
            if (p < pattern.length() && pattern.charAt(p) != '*' && pattern.charAt(p) == value.charAt(v)) {
                p++;
                v++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = v;
            } else if (star >= 0) {
                p = star + 1;
                v = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') p++;
        return p == pattern.length();
    }
}

package org.bollwerk.search;

import org.bollwerk.filter.EventFilter;

import java.util.Set;

/**
 * One {@code room_events} search as the client asked for it, validated.
 *
 * @param context null when no {@code event_context} was asked for
 */
record SearchQuery(String term, Set<SearchField> fields, EventFilter filter, boolean byRank, Context context,
                   boolean includeState, boolean groupByRoom, boolean groupBySender, SearchCursor cursor) {

    /** {@code event_context}: how many events before and after each result, and the senders' profiles. */
    record Context(int before, int after, boolean includeProfile) {
    }
}

package org.bollwerk.search;

import org.bollwerk.account.Requester;
import org.bollwerk.keys.SearchTokenHasher;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.ratelimit.SearchRateLimit;
import org.bollwerk.room.ClientEvents;
import org.bollwerk.room.RoomReader;
import org.bollwerk.room.StoredEvent;
import org.bollwerk.storage.StreamToken;
import org.bollwerk.tenant.TenantIsolation;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Searches the messages of the rooms a user is joined to: the query words are hashed under each room tenant's
 * search key, the index yields the events carrying all of them, and those events are decrypted to check the
 * match (hashes may collide), the filter and history visibility, and to rank and highlight them. Rooms of
 * other organisations are searched only where the isolation policy lets the user see them (partners).
 * End-to-end encrypted messages are never indexed: the server cannot read them.
 */
@Service
class RoomEventSearch {
    /** Query words at most: each costs a hash and widens the index lookup. */
    static final int MAX_TERMS = 16;
    /** Ordering by rank ranks the newest this many matches (a user wants the best of the recent ones). */
    static final int RANK_WINDOW = 500;
    static final int MAX_LIMIT = 100;
    static final int MAX_CONTEXT = 20;
    private static final int COUNT_CAP = 10_000;
    private static final int RECENT_ROUNDS = 10;

    private final RoomReader reader;
    private final SearchIndexStore store;
    private final SearchTokenHasher hasher;
    private final TenantIsolation isolation;
    private final SearchRateLimit rateLimit;

    RoomEventSearch(RoomReader reader, SearchIndexStore store, SearchTokenHasher hasher, TenantIsolation isolation,
                    SearchRateLimit rateLimit) {
        this.reader = reader;
        this.store = store;
        this.hasher = hasher;
        this.isolation = isolation;
        this.rateLimit = rateLimit;
    }

    /** A matching event with its rank. */
    private record Hit(StoredEvent event, double rank) {
    }

    /** The {@code room_events} object of the response. */
    Map<String, Object> search(Requester requester, SearchQuery query) {
        rateLimit.check(requester);
        Set<String> terms = SearchTokens.distinct(query.term());
        if (terms.size() > MAX_TERMS) {
            throw MatrixException.invalidParam("search_term has more than " + MAX_TERMS + " words");
        }
        int limit = Math.min(MAX_LIMIT, query.filter().limitOr(10));
        List<SearchIndexStore.TenantScope> scopes = terms.isEmpty() ? List.of() : scopes(requester, query, terms);
        List<Integer> fields = query.fields().stream().map(f -> f.code).toList();

        List<Hit> page = new ArrayList<>();
        SearchCursor next = null;
        int count = 0;
        if (!scopes.isEmpty()) {
            count = store.count(scopes, fields, COUNT_CAP);
            next = query.byRank() ? byRank(requester, query, terms, scopes, fields, limit, page)
                    : byRecency(requester, query, terms, scopes, fields, limit, page);
        }
        return response(requester, query, terms, page, count, next);
    }

    /** The rooms to search, grouped by tenant with the words hashed under that tenant's key. */
    private List<SearchIndexStore.TenantScope> scopes(Requester requester, SearchQuery query, Set<String> terms) {
        String user = requester.userId();
        Map<String, List<String>> roomsByTenant = new LinkedHashMap<>();
        for (String roomId : reader.joinedRooms(user)) {
            if (query.filter().rooms() != null && !query.filter().rooms().contains(roomId)) continue;
            if (query.filter().notRooms() != null && query.filter().notRooms().contains(roomId)) continue;
            Optional<String> tenant = reader.tenantOf(roomId);
            if (tenant.isEmpty()) continue;
            if (!tenant.get().equals(requester.tenantId()) && !isolation.seeRoom(user, roomId, tenant.get()).allowed()) {
                continue;
            }
            roomsByTenant.computeIfAbsent(tenant.get(), t -> new ArrayList<>()).add(roomId);
        }
        List<SearchIndexStore.TenantScope> scopes = new ArrayList<>();
        roomsByTenant.forEach((tenant, rooms) -> {
            SearchTokenHasher.Hasher h;
            try {
                h = hasher.forTenant(tenant);
            } catch (RuntimeException shredded) {
                return;  // nothing of that tenant can be read any more
            }
            scopes.add(new SearchIndexStore.TenantScope(rooms.stream().map(SearchIndexStore::roomRef).toList(),
                    terms.stream().map(h::hash).toList()));
        });
        return scopes;
    }

    private SearchCursor byRecency(Requester requester, SearchQuery query, Set<String> terms,
                                   List<SearchIndexStore.TenantScope> scopes, List<Integer> fields, int limit, List<Hit> page) {
        long before = query.cursor().value();
        int batch = Math.max(20, limit * 2);
        for (int round = 0; round < RECENT_ROUNDS; round++) {
            List<SearchIndexStore.Candidate> candidates = store.candidates(scopes, fields, before, batch);
            if (candidates.isEmpty()) return null;
            for (Hit hit : accepted(requester, query, terms, candidates)) {
                if (page.size() == limit) return new SearchCursor(false, page.get(limit - 1).event().streamOrdering());
                page.add(hit);
            }
            before = candidates.get(candidates.size() - 1).streamOrdering();
            if (candidates.size() < batch) return null;
        }
        // Many matches in a row were hidden (history visibility, filter): let the client go on from here.
        return new SearchCursor(false, before);
    }

    private SearchCursor byRank(Requester requester, SearchQuery query, Set<String> terms,
                                List<SearchIndexStore.TenantScope> scopes, List<Integer> fields, int limit, List<Hit> page) {
        List<Hit> all = accepted(requester, query, terms,
                store.candidates(scopes, fields, Long.MAX_VALUE, RANK_WINDOW));
        all.sort(Comparator.comparingDouble(Hit::rank).reversed()
                .thenComparing(Comparator.comparingLong((Hit h) -> h.event().streamOrdering()).reversed()));
        int offset = (int) Math.min(query.cursor().value(), all.size());
        int end = Math.min(all.size(), offset + limit);
        page.addAll(all.subList(offset, end));
        return end < all.size() ? new SearchCursor(true, end) : null;
    }

    /**
     * The candidates (newest first) that really match: readable, not redacted, in a searched field that holds
     * every word, passing the filter and visible to the user. Keeps the candidates' order.
     */
    private List<Hit> accepted(Requester requester, SearchQuery query, Set<String> terms,
                               List<SearchIndexStore.Candidate> candidates) {
        Map<Long, StoredEvent> events = new LinkedHashMap<>();
        for (StoredEvent e : readable(candidates)) events.put(e.streamOrdering(), e);
        Map<String, List<StoredEvent>> byRoom = new LinkedHashMap<>();
        Map<Long, Double> ranks = new LinkedHashMap<>();
        for (SearchIndexStore.Candidate c : candidates) {
            StoredEvent e = events.get(c.streamOrdering());
            if (e == null || SearchIndexStore.roomRef(e.roomId()) != c.roomRef()) continue;
            SearchField field = SearchField.of(e);
            if (field == null || !query.fields().contains(field)) continue;
            if (!query.filter().matches(e.roomId(), e.type(), e.sender(), e.content().path("url").isString())) continue;
            double rank = rank(SearchTokens.words(field.text(e)), terms);
            if (rank <= 0) continue;  // a hash collision, not a match
            ranks.put(e.streamOrdering(), rank);
            byRoom.computeIfAbsent(e.roomId(), r -> new ArrayList<>()).add(e);
        }
        Set<Long> visible = new LinkedHashSet<>();
        byRoom.forEach((roomId, list) -> reader.visible(roomId, requester.userId(), list)
                .forEach(e -> visible.add(e.streamOrdering())));
        List<Hit> hits = new ArrayList<>();
        for (SearchIndexStore.Candidate c : candidates) {
            if (visible.contains(c.streamOrdering())) hits.add(new Hit(events.get(c.streamOrdering()), ranks.get(c.streamOrdering())));
        }
        return hits;
    }

    private List<StoredEvent> readable(List<SearchIndexStore.Candidate> candidates) {
        List<Long> positions = candidates.stream().map(SearchIndexStore.Candidate::streamOrdering).toList();
        try {
            return reader.eventsAt(positions);
        } catch (RuntimeException oneUnreadable) {
            List<StoredEvent> events = new ArrayList<>();
            for (Long p : positions) {
                try {
                    events.addAll(reader.eventsAt(List.of(p)));
                } catch (RuntimeException skipped) {
                    // its tenant's keys were shredded: it is no longer anyone's to find
                }
            }
            return events;
        }
    }

    /**
     * How well a text matches: for each query word, 1 + ln(occurrences), summed and divided by the square
     * root of the text's length in words, so a short message that is all about the words ranks first.
     * Zero when a word is missing.
     */
    static double rank(List<String> words, Set<String> terms) {
        Map<String, Integer> occurrences = new LinkedHashMap<>();
        for (String word : words) {
            String token = SearchTokens.normalise(word);
            if (terms.contains(token)) occurrences.merge(token, 1, Integer::sum);
        }
        if (occurrences.size() < terms.size()) return 0;
        double score = 0;
        for (int n : occurrences.values()) score += 1 + Math.log(n);
        return score / Math.sqrt(Math.max(1, words.size()));
    }

    private Map<String, Object> response(Requester requester, SearchQuery query, Set<String> terms, List<Hit> page,
                                         int count, SearchCursor next) {
        String user = requester.userId();
        List<Map<String, Object>> results = new ArrayList<>();
        Set<String> highlights = new LinkedHashSet<>(terms);
        Map<String, Map<String, Object>> roomGroups = new LinkedHashMap<>();
        Map<String, Map<String, Object>> senderGroups = new LinkedHashMap<>();
        for (Hit hit : page) {
            StoredEvent e = hit.event();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("rank", hit.rank());
            result.put("result", ClientEvents.format(e, user, requester.deviceId()));
            if (query.context() != null) result.put("context", context(requester, e, query.context()));
            results.add(result);
            SearchField field = SearchField.of(e);
            for (String word : SearchTokens.words(field.text(e))) {
                if (terms.contains(SearchTokens.normalise(word))) highlights.add(word);
            }
            if (query.groupByRoom()) addToGroup(roomGroups, e.roomId(), e.eventId(), next);
            if (query.groupBySender()) addToGroup(senderGroups, e.sender(), e.eventId(), next);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", count);
        body.put("highlights", List.copyOf(highlights));
        body.put("results", results);
        if (next != null) body.put("next_batch", next.token());
        if (query.groupByRoom() || query.groupBySender()) {
            Map<String, Object> groups = new LinkedHashMap<>();
            if (query.groupByRoom()) groups.put("room_id", roomGroups);
            if (query.groupBySender()) groups.put("sender", senderGroups);
            body.put("groups", groups);
        }
        if (query.includeState()) {
            Map<String, Object> state = new LinkedHashMap<>();
            for (Hit hit : page) {
                state.computeIfAbsent(hit.event().roomId(), roomId -> reader.currentState(roomId).stream()
                        .map(s -> ClientEvents.format(s, user, requester.deviceId())).toList());
            }
            body.put("state", state);
        }
        return body;
    }

    private static void addToGroup(Map<String, Map<String, Object>> groups, String key, String eventId, SearchCursor next) {
        Map<String, Object> group = groups.computeIfAbsent(key, k -> {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("order", groups.size() + 1);
            g.put("results", new ArrayList<String>());
            if (next != null) g.put("next_batch", next.token());
            return g;
        });
        @SuppressWarnings("unchecked") List<String> ids = (List<String>) group.get("results");
        ids.add(eventId);
    }

    private Map<String, Object> context(Requester requester, StoredEvent event, SearchQuery.Context wanted) {
        String user = requester.userId();
        String roomId = event.roomId();
        long at = event.streamOrdering();
        List<StoredEvent> before = wanted.before() == 0 ? List.of()
                : reader.visible(roomId, user, reader.range(roomId, 0, at - 1, wanted.before(), true));
        List<StoredEvent> after = wanted.after() == 0 ? List.of()
                : reader.visible(roomId, user, reader.range(roomId, at, reader.readableUpTo(roomId, user), wanted.after(), false));
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("start", StreamToken.of(before.isEmpty() ? at - 1 : before.get(before.size() - 1).streamOrdering() - 1));
        context.put("end", StreamToken.of(after.isEmpty() ? at : after.get(after.size() - 1).streamOrdering()));
        context.put("events_before", before.stream().map(e -> ClientEvents.format(e, user, requester.deviceId())).toList());
        context.put("events_after", after.stream().map(e -> ClientEvents.format(e, user, requester.deviceId())).toList());
        if (wanted.includeProfile()) {
            Set<String> senders = new LinkedHashSet<>();
            senders.add(event.sender());
            before.forEach(e -> senders.add(e.sender()));
            after.forEach(e -> senders.add(e.sender()));
            Map<String, Object> profiles = new LinkedHashMap<>();
            for (StoredEvent member : reader.membersAt(roomId, senders, at)) {
                Map<String, Object> profile = new LinkedHashMap<>();
                String name = member.content().path("displayname").asString(null);
                String avatar = member.content().path("avatar_url").asString(null);
                if (name != null) profile.put("displayname", name);
                if (avatar != null) profile.put("avatar_url", avatar);
                profiles.put(member.stateKey(), profile);
            }
            context.put("profile_info", profiles);
        }
        return context;
    }
}

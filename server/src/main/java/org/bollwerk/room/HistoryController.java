package org.bollwerk.room;

import org.bollwerk.account.Requester;
import org.bollwerk.filter.EventFilter;
import org.bollwerk.filter.FilterService;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.RoomId;
import org.bollwerk.storage.StreamToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Paginated history ({@code /messages}), {@code /context}, and member lists. */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class HistoryController {
    private final RoomReader reader;
    private final FilterService filters;

    HistoryController(RoomReader reader, FilterService filters) {
        this.reader = reader;
        this.filters = filters;
    }

    @GetMapping("/rooms/{roomId}/messages")
    Map<String, Object> messages(Requester requester, @PathVariable String roomId,
                                 @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                                 @RequestParam(defaultValue = "b") String dir, @RequestParam(required = false) String limit,
                                 @RequestParam(required = false) String filter) {
        RoomId.parse(roomId);
        if (!dir.equals("b") && !dir.equals("f")) throw MatrixException.invalidParam("dir must be 'b' or 'f'");
        int max = parseLimit(limit, 10);
        EventFilter eventFilter = filters.roomEventFilter(filter);
        String user = requester.userId();
        reader.requireCanRead(roomId, user);
        long ceiling = reader.readableUpTo(roomId, user);
        boolean backwards = dir.equals("b");
        long start = from != null ? StreamToken.parse(from).position() : (backwards ? ceiling : 0);
        start = Math.min(start, ceiling);
        Long bound = to == null ? null : StreamToken.parse(to).position();

        List<StoredEvent> chunk;
        Long end;
        if (backwards) {
            long floor = bound == null ? 0 : bound;
            RoomReader.Page page = reader.timeline(roomId, user, floor, start, max, eventFilter);
            chunk = new ArrayList<>(page.events());
            java.util.Collections.reverse(chunk);
            end = page.more() ? page.lowest() : null;
        } else {
            long top = bound == null ? ceiling : Math.min(bound, ceiling);
            List<StoredEvent> batch = reader.range(roomId, start, top, max, false);
            chunk = new ArrayList<>();
            for (StoredEvent e : reader.visible(roomId, user, batch)) {
                if (eventFilter.matches(roomId, e.type(), e.sender(), RoomReader.hasUrl(e))) chunk.add(e);
            }
            end = batch.size() < max ? null : batch.get(batch.size() - 1).streamOrdering();
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("chunk", format(chunk, requester));
        response.put("start", StreamToken.of(start));
        if (end != null) response.put("end", StreamToken.of(end));
        if (eventFilter.lazyLoadMembers()) {
            response.put("state", format(membersFor(roomId, chunk, start), requester));
        }
        return response;
    }

    @GetMapping("/rooms/{roomId}/context/{eventId}")
    Map<String, Object> context(Requester requester, @PathVariable String roomId, @PathVariable String eventId,
                                @RequestParam(required = false) String limit,
                                @RequestParam(required = false) String filter) {
        RoomId.parse(roomId);
        int max = parseLimit(limit, 10);
        EventFilter eventFilter = filters.roomEventFilter(filter);
        String user = requester.userId();
        StoredEvent event = reader.event(roomId, user, eventId);
        long ceiling = reader.readableUpTo(roomId, user);
        int before = max / 2;
        int after = max - before;
        RoomReader.Page older = reader.timeline(roomId, user, 0, event.streamOrdering() - 1, Math.max(before, 1), eventFilter);
        List<StoredEvent> eventsBefore = new ArrayList<>(before == 0 ? List.of() : older.events());
        java.util.Collections.reverse(eventsBefore);
        List<StoredEvent> newer = new ArrayList<>();
        for (StoredEvent e : reader.visible(roomId, user, reader.range(roomId, event.streamOrdering(), ceiling, after, false))) {
            if (eventFilter.matches(roomId, e.type(), e.sender(), RoomReader.hasUrl(e))) newer.add(e);
        }
        long startToken = eventsBefore.isEmpty() ? event.streamOrdering() - 1
                : eventsBefore.get(eventsBefore.size() - 1).streamOrdering() - 1;
        long endToken = newer.isEmpty() ? event.streamOrdering() : newer.get(newer.size() - 1).streamOrdering();
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("event", ClientEvents.format(event, user, requester.deviceId()));
        response.put("events_before", format(eventsBefore, requester));
        response.put("events_after", format(newer, requester));
        response.put("start", StreamToken.of(startToken));
        response.put("end", StreamToken.of(endToken));
        List<StoredEvent> all = new ArrayList<>(eventsBefore);
        all.add(event);
        all.addAll(newer);
        List<StoredEvent> state = eventFilter.lazyLoadMembers() ? membersFor(roomId, all, event.streamOrdering())
                : reader.stateAt(roomId, event.streamOrdering());
        response.put("state", format(state, requester));
        return response;
    }

    @GetMapping("/rooms/{roomId}/members")
    Map<String, Object> members(Requester requester, @PathVariable String roomId,
                                @RequestParam(required = false) String at,
                                @RequestParam(required = false) String membership,
                                @RequestParam(name = "not_membership", required = false) String notMembership) {
        RoomId.parse(roomId);
        validMembership(membership);
        validMembership(notMembership);
        String user = requester.userId();
        reader.requireCanRead(roomId, user);
        long position = Math.min(at == null ? Long.MAX_VALUE : StreamToken.parse(at).position(),
                reader.readableUpTo(roomId, user));
        List<StoredEvent> members = reader.stateAt(roomId, position).stream()
                .filter(e -> "m.room.member".equals(e.type()))
                .filter(e -> membership == null || membership.equals(e.membership()))
                .filter(e -> notMembership == null || !notMembership.equals(e.membership()))
                .toList();
        return Map.of("chunk", format(members, requester));
    }

    @GetMapping("/rooms/{roomId}/joined_members")
    Map<String, Object> joinedMembers(Requester requester, @PathVariable String roomId) {
        RoomId.parse(roomId);
        if (!"join".equals(reader.membership(roomId, requester.userId()).orElse(null))) {
            throw MatrixException.forbidden("You are not a member of this room");
        }
        Map<String, Object> joined = new LinkedHashMap<>();
        reader.joinedMembers(roomId).forEach((userId, event) -> {
            Map<String, Object> profile = new LinkedHashMap<>();
            profile.put("display_name", event.content().path("displayname").asString(null));
            profile.put("avatar_url", event.content().path("avatar_url").asString(null));
            joined.put(userId, profile);
        });
        return Map.of("joined", joined);
    }

    private List<StoredEvent> membersFor(String roomId, List<StoredEvent> events, long at) {
        Set<String> senders = new LinkedHashSet<>();
        events.forEach(e -> senders.add(e.sender()));
        return reader.membersAt(roomId, senders, at);
    }

    private static void validMembership(String membership) {
        if (membership != null && !List.of("join", "invite", "leave", "ban", "knock").contains(membership)) {
            throw MatrixException.invalidParam("Unknown membership " + membership);
        }
    }

    static int parseLimit(String limit, int fallback) {
        if (limit == null) return fallback;
        try {
            int value = Integer.parseInt(limit);
            if (value < 0) throw MatrixException.invalidParam("limit must not be negative");
            return Math.max(1, Math.min(value, 1000));
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam("limit must be an integer");
        }
    }

    private static List<ObjectNode> format(List<StoredEvent> events, Requester requester) {
        return events.stream().map(e -> ClientEvents.format(e, requester.userId(), requester.deviceId())).toList();
    }
}

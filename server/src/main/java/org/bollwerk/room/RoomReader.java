package org.bollwerk.room;

import org.bollwerk.matrix.auth.Membership;
import org.bollwerk.filter.EventFilter;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.storage.StreamNotifier;
import org.bollwerk.tenant.TenantIsolation;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Reads rooms for clients and for /sync, always through the requester's history visibility. */
@Service
public class RoomReader {
    private final EventStore store;
    private final HistoryVisibility visibility;
    private final StreamNotifier notifier;
    private final TenantIsolation isolation;

    RoomReader(EventStore store, HistoryVisibility visibility, StreamNotifier notifier, TenantIsolation isolation) {
        this.store = store;
        this.visibility = visibility;
        this.notifier = notifier;
        this.isolation = isolation;
    }

    /** A user's membership in one room, with the position of the event that set it. */
    public record RoomMembership(String roomId, Membership membership, String eventId, long streamOrdering) {
    }

    public List<RoomMembership> memberships(String userId) {
        return store.memberships(userId).stream()
                .map(m -> new RoomMembership(m.roomId(), m.membership(), m.eventId(), m.streamOrdering())).toList();
    }

    /** The wire value ("join", ...) for callers outside this package that still compare strings. */
    public Optional<String> membership(String roomId, String userId) {
        return store.membership(roomId, userId).map(Membership::value);
    }

    public List<String> joinedRooms(String userId) {
        return store.memberships(userId).stream().filter(m -> m.membership() == Membership.JOIN)
                .map(EventStore.MembershipRow::roomId).toList();
    }

    public boolean roomExists(String roomId) {
        return store.room(roomId).isPresent();
    }

    /** A page of events plus whether more exist beyond it. */
    public record Page(List<StoredEvent> events, boolean more, long lowest, long highest) {
    }

    /**
     * The newest {@code limit} events of a room in (from, to] the user may see, oldest first;
     * {@code more} tells whether older ones in range were left out.
     */
    public Page timeline(String roomId, String userId, long fromExclusive, long toInclusive, int limit, EventFilter filter) {
        List<StoredEvent> picked = new ArrayList<>();
        long cursor = toInclusive;
        // Fetch newest-first in batches until the limit is filled with visible, matching events.
        for (int round = 0; round < 10 && picked.size() < limit; round++) {
            List<StoredEvent> batch = store.range(roomId, fromExclusive, cursor, limit, true);
            if (batch.isEmpty()) break;
            for (StoredEvent event : visibility.filter(roomId, userId, batch)) {
                if (filter.matches(roomId, event.type(), event.sender(), hasUrl(event))) picked.add(event);
            }
            cursor = batch.get(batch.size() - 1).streamOrdering() - 1;
            if (batch.size() < limit) break;
        }
        long lowest = cursor;
        if (picked.size() > limit) {
            picked = new ArrayList<>(picked.subList(0, limit));
            lowest = picked.get(limit - 1).streamOrdering() - 1;
        }
        boolean more = lowest > fromExclusive && store.anyInRange(roomId, fromExclusive, lowest);
        Collections.reverse(picked);
        return new Page(picked, more, lowest, toInclusive);
    }

    static boolean hasUrl(StoredEvent event) {
        return event.content().path("url").isString();
    }

    /** Room state as of position {@code at}. */
    public List<StoredEvent> stateAt(String roomId, long at) {
        return store.stateAt(roomId, at);
    }

    public List<StoredEvent> currentState(String roomId) {
        return store.currentStateEvents(roomId);
    }

    public Optional<StoredEvent> currentState(String roomId, String type, String stateKey) {
        return store.currentState(roomId, type, stateKey);
    }

    public List<StoredEvent> stateChanges(String roomId, long fromExclusive, long toInclusive) {
        return store.stateChanges(roomId, fromExclusive, toInclusive);
    }

    public List<StoredEvent> membersAt(String roomId, Collection<String> userIds, long at) {
        return store.membersAt(roomId, userIds, at);
    }

    public boolean anyEvents(String roomId, long fromExclusive, long toInclusive) {
        return store.anyInRange(roomId, fromExclusive, toInclusive);
    }

    /** {@code m.heroes} and member counts for the room summary. */
    public record Summary(List<String> heroes, int joined, int invited) {
    }

    public Summary summary(String roomId, String userId) {
        Map<Membership, Integer> counts = store.memberCounts(roomId);
        List<String> heroes = new ArrayList<>();
        for (Membership membership : List.of(Membership.JOIN, Membership.INVITE, Membership.LEAVE)) {
            for (String member : store.members(roomId, membership)) {
                if (heroes.size() >= 5) break;
                if (!member.equals(userId)) heroes.add(member);
            }
            if (heroes.size() >= 5 || (!heroes.isEmpty() && membership == Membership.INVITE)) break;
        }
        return new Summary(heroes, counts.getOrDefault(Membership.JOIN, 0), counts.getOrDefault(Membership.INVITE, 0));
    }

    /** Stripped state an invited or knocking user may see before joining (the spec's invite_state/knock_state). */
    public List<StoredEvent> inviteState(String roomId, String userId) {
        List<StoredEvent> state = new ArrayList<>();
        for (String type : List.of("m.room.create", "m.room.join_rules", "m.room.name", "m.room.avatar",
                "m.room.canonical_alias", "m.room.encryption", "m.room.topic")) {
            store.currentState(roomId, type, "").ifPresent(state::add);
        }
        store.currentState(roomId, "m.room.member", userId).ifPresent(invite -> {
            if (!invite.sender().equals(userId)) {  // the inviter; a knock is the user's own event
                store.currentState(roomId, "m.room.member", invite.sender()).ifPresent(state::add);
            }
            state.add(invite);
        });
        return state;
    }

    /** One event, if the user may see it; 404 otherwise (no hint whether it exists). */
    public StoredEvent event(String roomId, String userId, String eventId) {
        requireCanRead(roomId, userId);
        StoredEvent event = store.event(eventId).filter(e -> e.roomId().equals(roomId))
                .orElseThrow(() -> MatrixException.notFound("Event not found"));
        if (visibility.filter(roomId, userId, List.of(event)).isEmpty()) {
            throw MatrixException.notFound("Event not found");
        }
        return event;
    }

    /**
     * The event the user may see whose timestamp is closest to {@code ts} in the given direction (at or after
     * it when {@code forwards}, else at or before it); empty when there is none. Looks at a bounded number of
     * events so a room full of hidden history cannot make one request scan it all.
     */
    public Optional<StoredEvent> closestVisibleEvent(String roomId, String userId, long ts, boolean forwards) {
        requireCanRead(roomId, userId);
        Long afterTs = null;
        long afterOrdering = 0;
        for (int round = 0; round < 20; round++) {
            List<StoredEvent> batch = store.byTimestamp(roomId, ts, forwards, afterTs, afterOrdering, 100);
            if (batch.isEmpty()) return Optional.empty();
            List<StoredEvent> visible = visibility.filter(roomId, userId, batch);
            if (!visible.isEmpty()) return Optional.of(visible.get(0));  // filter keeps the batch order
            StoredEvent last = batch.get(batch.size() - 1);
            afterTs = last.originServerTs();
            afterOrdering = last.streamOrdering();
            if (batch.size() < 100) return Optional.empty();
        }
        return Optional.empty();
    }

    public List<StoredEvent> visible(String roomId, String userId, List<StoredEvent> events) {
        return visibility.filter(roomId, userId, events);
    }

    /**
     * Ensures the user is or was in the room, or it is world-readable and the isolation policy lets them see
     * it; 403 otherwise (the same answer as for an unknown room).
     */
    public void requireCanRead(String roomId, String userId) {
        if (store.room(roomId).isEmpty()) throw MatrixException.forbidden("You are not a member of this room");
        Membership membership = store.membership(roomId, userId).orElse(null);
        if (membership == Membership.JOIN) return;
        // Those who left or were banned read up to that moment — if they ever were in the room; an invitee or
        // knocker (or one whose invite or knock ended) sees only the stripped state the sync gives them.
        if ((membership == Membership.LEAVE || membership == Membership.BAN) && wasEverJoined(roomId, userId)) return;
        boolean worldReadable = store.currentState(roomId, "m.room.history_visibility", "")
                .map(e -> "world_readable".equals(e.content().path("history_visibility").asString(""))).orElse(false);
        if (!worldReadable || !visibility.worldReadableFor(roomId, userId)) {
            throw MatrixException.forbidden("You are not a member of this room");
        }
    }

    private boolean wasEverJoined(String roomId, String userId) {
        return store.stateHistory(roomId, "m.room.member", userId, "membership", Long.MAX_VALUE).stream()
                .anyMatch(e -> "join".equals(e.getValue()));
    }

    /** The position up to which the user may read: now, or when they left. */
    public long readableUpTo(String roomId, String userId) {
        long now = notifier.current();
        Optional<EventStore.MembershipRow> m = store.memberships(userId).stream()
                .filter(x -> x.roomId().equals(roomId)).findFirst();
        if (m.isPresent() && (m.get().membership() == Membership.LEAVE || m.get().membership() == Membership.BAN)) {
            return Math.min(now, m.get().streamOrdering());
        }
        return now;
    }

    /** Users who are joined now, with their member event content. */
    public Map<String, StoredEvent> joinedMembers(String roomId) {
        Map<String, StoredEvent> members = new LinkedHashMap<>();
        List<String> joined = store.members(roomId, Membership.JOIN);
        for (StoredEvent e : store.membersAt(roomId, joined, Long.MAX_VALUE)) members.put(e.stateKey(), e);
        return members;
    }

    public List<StoredEvent> relations(String eventId, String relType, long fromExclusive, long toInclusive,
                                       int limit, boolean newestFirst) {
        return store.relations(eventId, relType, fromExclusive, toInclusive, limit, newestFirst);
    }

    public List<String> threadRoots(String roomId, long beforeExclusive, int limit) {
        return store.threadRoots(roomId, beforeExclusive, limit);
    }

    public Map<String, StoredEvent> events(Collection<String> ids) {
        return store.events(ids);
    }

    public List<StoredEvent> range(String roomId, long fromExclusive, long toInclusive, int limit, boolean newestFirst) {
        return store.range(roomId, fromExclusive, toInclusive, limit, newestFirst);
    }

    /** Positions of events of every room in (from, to], ascending: for indexing after the fact (search). */
    public List<Long> streamOrderings(long fromExclusive, long toInclusive, int limit) {
        return store.streamOrderings(fromExclusive, toInclusive, limit);
    }

    /**
     * The events at these stream positions (any rooms, any order), unfiltered: never shown to a user
     * without {@link #visible}.
     */
    public List<StoredEvent> eventsAt(Collection<Long> streamOrderings) {
        return store.eventsAt(streamOrderings);
    }

    /** Events of every room in (from, to], oldest first, at most {@code limit} (for after-commit processing). */
    public List<StoredEvent> eventsAfter(long fromExclusive, long toInclusive, int limit) {
        return store.allRooms(fromExclusive, toInclusive, limit);
    }

    public long currentPosition() {
        return notifier.current();
    }

    /**
     * The room an alias points to, if the isolation policy lets the requester learn it; an alias of a room of
     * another organisation answers exactly as an unknown alias (404).
     */
    public String resolveAlias(String requesterUserId, String alias) {
        Supplier<MatrixException> unknown = () -> MatrixException.notFound("Room alias not found");
        String roomId = store.roomOfAlias(alias).orElseThrow(unknown);
        String tenant = store.room(roomId).map(EventStore.RoomRow::tenantId).orElseThrow(unknown);
        isolation.resolveAlias(requesterUserId, alias, tenant).orElseThrow(unknown);
        return roomId;
    }

    public List<String> aliases(String roomId) {
        return store.aliases(roomId);
    }

    public List<String> publishedRooms(String tenantId) {
        return store.publishedRooms(tenantId);
    }

    public Optional<String> tenantOf(String roomId) {
        return store.room(roomId).map(EventStore.RoomRow::tenantId);
    }

    /** Messages from others after position {@code after}: the unread badge count. */
    public int unreadCount(String roomId, String userId, long after) {
        return store.countNotifying(roomId, userId, after);
    }

    // ---- for device-list tracking (e2ee): who shares a room with whom, and membership changes

    /** Users who share at least one joined room with {@code userId}, not counting the user. */
    public java.util.Set<String> usersSharingRoomWith(String userId) {
        java.util.Set<String> users = new java.util.HashSet<>(store.usersSharingJoinedRoom(userId));
        users.remove(userId);
        return users;
    }

    /**
     * Rooms the requester and {@code otherUserId} are both joined to (MSC2666). A user the isolation policy
     * hides from the requester shares no rooms with them, exactly like a user that does not exist.
     */
    public List<String> mutualRooms(String requesterUserId, String otherUserId) {
        if (!isolation.seeUser(requesterUserId, otherUserId).allowed()) return List.of();
        return store.mutualJoinedRooms(requesterUserId, otherUserId);
    }

    /** Users joined to the room now. */
    public List<String> joinedUserIds(String roomId) {
        return store.members(roomId, Membership.JOIN);
    }

    /**
     * One membership event: {@code userId} went from {@code previousMembership} (null if none) to
     * {@code membership} in {@code roomId} at {@code streamOrdering}. Either is null for a value that is
     * not a known membership.
     */
    public record MemberChange(String roomId, String userId, Membership membership, Membership previousMembership,
                               long streamOrdering) {
    }

    /**
     * Membership changes in (from, to] in every room {@code userId} has a membership in now (joined,
     * invited or left), oldest first; including the user's own.
     */
    public List<MemberChange> memberChangesInRoomsOf(String userId, long fromExclusive, long toInclusive) {
        return store.memberEventsInRoomsOf(userId, fromExclusive, toInclusive).stream()
                .map(e -> new MemberChange(e.roomId(), e.stateKey(), knownOrNull(e.membership()),
                        knownOrNull(e.pdu().path("unsigned").path("prev_content").path("membership").asString(null)),
                        e.streamOrdering()))
                .toList();
    }

    /**
     * Lenient: read on every /sync, where an unexpected value must not fail the request; it counts as no
     * membership (null), as it did when these were compared as strings. {@code MemberChange.membership} is
     * therefore nullable too.
     */
    private static Membership knownOrNull(String value) {
        for (Membership m : Membership.values()) if (m.value().equals(value)) return m;
        return null;
    }

    public int joinedCount(String roomId) {
        return store.memberCounts(roomId).getOrDefault(Membership.JOIN, 0);
    }
}

package org.bollwerk.room;

import org.bollwerk.matrix.auth.Membership;
import org.bollwerk.keys.AtRestCipher;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for rooms, events, current_state, room_members and room_aliases, which this feature owns. */
@Repository
class EventStore {
    static final String COLUMNS = "stream_ordering, event_id, room_id, type, state_key, sender, origin_server_ts, "
            + "redacted_by, txn_device, txn_id, pdu";
    private final Db db;
    private final AtRestCipher cipher;
    private final DecodedEvents decoded;
    /** Room ID -> tenant ID (a room never changes tenant); bounded, so arbitrary room IDs cannot grow it. */
    private final java.util.concurrent.ConcurrentHashMap<String, String> tenantOfRoom = new java.util.concurrent.ConcurrentHashMap<>();

    EventStore(Db db, AtRestCipher cipher, DecodedEvents decoded) {
        this.db = db;
        this.cipher = cipher;
        this.decoded = decoded;
    }

    StoredEvent row(ResultSet rs, int n) throws SQLException {
        String eventId = rs.getString(2);
        String redactedBy = rs.getString(8);
        ObjectNode pdu = decoded.cached(eventId, redactedBy);
        if (pdu == null) pdu = decoded.remember(eventId, redactedBy, parse(eventId, rs.getBytes(11)));
        return new StoredEvent(rs.getLong(1), eventId, rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getLong(7), redactedBy, rs.getString(9), rs.getString(10), pdu);
    }

    private ObjectNode parse(String eventId, byte[] stored) {
        return (ObjectNode) Json.MAPPER.readTree(decode(eventId, stored));
    }

    // ---- rooms

    record RoomRow(String roomId, String tenantId, String roomVersion, String creator, boolean published) {
    }

    void insertRoom(String roomId, String tenantId, String version, String creator, long now) {
        db.sql().sql("INSERT INTO rooms (room_id, tenant_id, room_version, creator, created_ts) VALUES (?, ?, ?, ?, ?)")
                .params(roomId, tenantId, version, creator, now).update();
    }

    Optional<RoomRow> room(String roomId) {
        return db.sql().sql("SELECT room_id, tenant_id, room_version, creator, published FROM rooms WHERE room_id = ?")
                .param(roomId)
                .query((rs, n) -> new RoomRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getInt(5) == 1))
                .optional();
    }

    void setPublished(String roomId, boolean published) {
        db.sql().sql("UPDATE rooms SET published = ? WHERE room_id = ?").params(published ? 1 : 0, roomId).update();
    }

    List<String> publishedRooms(String tenantId) {
        return db.sql().sql("SELECT room_id FROM rooms WHERE published = 1 AND tenant_id = ? ORDER BY room_id")
                .param(tenantId).query(String.class).list();
    }

    // ---- events

    /** Inserts an event; {@code json} is its PDU already serialised (the writer checked its size). */
    void insertEvent(StoredEvent e, byte[] json, String relatesTo, String relType, long depth) {
        db.sql().sql("INSERT INTO events (stream_ordering, event_id, room_id, type, state_key, sender, origin_server_ts, "
                        + "depth, relates_to, rel_type, txn_device, txn_id, pdu) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(e.streamOrdering(), e.eventId(), e.roomId(), e.type(), e.stateKey(), e.sender(),
                        e.originServerTs(), depth, relatesTo, relType, e.txnDevice(), e.txnId(),
                        encode(e.eventId(), e.roomId(), json))
                .update();
    }

    /**
     * The stored form of a PDU: encrypted at rest under the room's tenant key, bound to the event ID so a
     * value cannot be moved to another row.
     */
    private byte[] encode(String eventId, String roomId, byte[] json) {
        return cipher.encrypt(tenantOf(roomId), json, AtRestCipher.utf8(eventId));
    }

    /** Reverses {@link #encode}; rows written before encryption at rest existed are plain JSON. */
    private byte[] decode(String eventId, byte[] stored) {
        return AtRestCipher.isEncrypted(stored) ? cipher.decrypt(stored, AtRestCipher.utf8(eventId)) : stored;
    }

    private String tenantOf(String roomId) {
        String tenant = tenantOfRoom.get(roomId);
        if (tenant != null) return tenant;
        tenant = room(roomId).map(RoomRow::tenantId).orElseThrow(() -> new IllegalStateException("no room " + roomId));
        if (tenantOfRoom.size() > 100_000) tenantOfRoom.clear();
        tenantOfRoom.put(roomId, tenant);
        return tenant;
    }

    Optional<StoredEvent> event(String eventId) {
        return db.sql().sql("SELECT " + COLUMNS + " FROM events WHERE event_id = ?").param(eventId)
                .query(this::row).optional();
    }

    Map<String, StoredEvent> events(Collection<String> eventIds) {
        Map<String, StoredEvent> found = new LinkedHashMap<>();
        if (eventIds.isEmpty()) return found;
        String marks = String.join(",", java.util.Collections.nCopies(eventIds.size(), "?"));
        db.sql().sql("SELECT " + COLUMNS + " FROM events WHERE event_id IN (" + marks + ")")
                .params(new ArrayList<>(eventIds)).query(this::row).list()
                .forEach(e -> found.put(e.eventId(), e));
        return found;
    }

    /** Positions of the events of all rooms in (from, to], ascending: the search indexer's feed. */
    List<Long> streamOrderings(long fromExclusive, long toInclusive, int limit) {
        return db.sql().sql("SELECT stream_ordering FROM events WHERE stream_ordering > ? AND stream_ordering <= ? "
                        + "ORDER BY stream_ordering LIMIT ?")
                .params(fromExclusive, toInclusive, limit).query(Long.class).list();
    }

    List<StoredEvent> eventsAt(Collection<Long> streamOrderings) {
        if (streamOrderings.isEmpty()) return List.of();
        String marks = String.join(",", java.util.Collections.nCopies(streamOrderings.size(), "?"));
        return db.sql().sql("SELECT " + COLUMNS + " FROM events WHERE stream_ordering IN (" + marks + ")")
                .params(new ArrayList<>(streamOrderings)).query(this::row).list();
    }

    Optional<String> eventIdForTxn(String sender, String deviceId, String txnId) {
        return db.sql().sql("SELECT event_id FROM events WHERE sender = ? AND txn_device = ? AND txn_id = ?")
                .params(sender, deviceId, txnId).query(String.class).optional();
    }

    record Latest(String eventId, long depth) {
    }

    Optional<Latest> latest(String roomId) {
        return db.sql().sql("SELECT event_id, depth FROM events WHERE room_id = ? ORDER BY stream_ordering DESC LIMIT 1")
                .param(roomId).query((rs, n) -> new Latest(rs.getString(1), rs.getLong(2))).optional();
    }

    /** Events of every room in (from, to], oldest first. */
    List<StoredEvent> allRooms(long fromExclusive, long toInclusive, int limit) {
        return db.sql().sql("SELECT " + COLUMNS + " FROM events WHERE stream_ordering > ? AND stream_ordering <= ? "
                        + "ORDER BY stream_ordering LIMIT ?")
                .params(fromExclusive, toInclusive, limit).query(this::row).list();
    }

    /** Events of a room in (from, to], newest first when {@code backwards}. */
    List<StoredEvent> range(String roomId, long fromExclusive, long toInclusive, int limit, boolean newestFirst) {
        return db.sql().sql("SELECT " + COLUMNS + " FROM events WHERE room_id = ? AND stream_ordering > ? "
                        + "AND stream_ordering <= ? ORDER BY stream_ordering " + (newestFirst ? "DESC" : "ASC") + " LIMIT ?")
                .params(roomId, fromExclusive, toInclusive, limit).query(this::row).list();
    }

    /**
     * Up to {@code limit} events of a room ordered by timestamp from {@code ts} on ({@code forwards}: at or
     * after it, oldest first) or back ({@code ts} and before, newest first), continuing after the event at
     * ({@code afterTs}, {@code afterOrdering}) when that is not null (paging through equal timestamps).
     */
    List<StoredEvent> byTimestamp(String roomId, long ts, boolean forwards, Long afterTs, long afterOrdering, int limit) {
        String cmp = forwards ? ">" : "<";
        String order = forwards ? "ASC" : "DESC";
        String bound = forwards ? "origin_server_ts >= ?" : "origin_server_ts <= ?";
        String after = afterTs == null ? "" : " AND (origin_server_ts " + cmp + " ? OR (origin_server_ts = ? AND stream_ordering "
                + cmp + " ?))";
        List<Object> params = new ArrayList<>(List.of(roomId, ts));
        if (afterTs != null) params.addAll(List.of(afterTs, afterTs, afterOrdering));
        params.add(limit);
        return db.sql().sql("SELECT " + COLUMNS + " FROM events WHERE room_id = ? AND " + bound + after
                        + " ORDER BY origin_server_ts " + order + ", stream_ordering " + order + " LIMIT ?")
                .params(params).query(this::row).list();
    }

    boolean anyInRange(String roomId, long fromExclusive, long toInclusive) {
        return db.sql().sql("SELECT 1 FROM events WHERE room_id = ? AND stream_ordering > ? AND stream_ordering <= ? LIMIT 1")
                .params(roomId, fromExclusive, toInclusive).query(Integer.class).optional().isPresent();
    }

    void markRedacted(String eventId, String roomId, String redactedBy, ObjectNode prunedPdu) {
        db.sql().sql("UPDATE events SET redacted_by = ?, pdu = ? WHERE event_id = ?")
                .params(redactedBy, encode(eventId, roomId, Json.write(prunedPdu).getBytes(StandardCharsets.UTF_8)), eventId).update();
        decoded.forget(eventId);
    }

    List<StoredEvent> relations(String eventId, String relType, long fromExclusive, long toInclusive, int limit,
                                boolean newestFirst) {
        return db.sql().sql("SELECT " + COLUMNS + " FROM events WHERE relates_to = ? AND (CAST(? AS TEXT) IS NULL OR rel_type = ?) "
                        + "AND stream_ordering > ? AND stream_ordering <= ? ORDER BY stream_ordering "
                        + (newestFirst ? "DESC" : "ASC") + " LIMIT ?")
                .params(eventId, relType, relType, fromExclusive, toInclusive, limit).query(this::row).list();
    }

    /** Thread roots of a room: events that have at least one m.thread relation, newest activity first. */
    List<String> threadRoots(String roomId, long beforeExclusive, int limit) {
        return db.sql().sql("SELECT relates_to, MAX(stream_ordering) AS latest FROM events WHERE room_id = ? "
                        + "AND rel_type = 'm.thread' GROUP BY relates_to HAVING MAX(stream_ordering) < ? "
                        + "ORDER BY latest DESC LIMIT ?")
                .params(roomId, beforeExclusive, limit).query((rs, n) -> rs.getString(1)).list();
    }

    int countNotifying(String roomId, String userId, long after) {
        return db.sql().sql("SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE room_id = ? AND stream_ordering > ? "
                        + "AND sender <> ? AND type IN ('m.room.message', 'm.room.encrypted') AND redacted_by IS NULL "
                        + "LIMIT 100) n")
                .params(roomId, after, userId).query(Integer.class).single();
    }

    // ---- state

    /** The current state event IDs of a room keyed by "type\0stateKey". */
    Map<StateKey, String> currentStateIds(String roomId) {
        Map<StateKey, String> state = new LinkedHashMap<>();
        db.sql().sql("SELECT type, state_key, event_id FROM current_state WHERE room_id = ?").param(roomId)
                .query(rs -> {
                    state.put(new StateKey(rs.getString(1), rs.getString(2)), rs.getString(3));
                });
        return state;
    }

    Optional<StoredEvent> currentState(String roomId, String type, String stateKey) {
        return db.sql().sql("SELECT " + prefixed("e") + " FROM current_state c JOIN events e ON e.event_id = c.event_id "
                        + "WHERE c.room_id = ? AND c.type = ? AND c.state_key = ?")
                .params(roomId, type, stateKey).query(this::row).optional();
    }

    List<StoredEvent> currentStateEvents(String roomId) {
        return db.sql().sql("SELECT " + prefixed("e") + " FROM current_state c JOIN events e ON e.event_id = c.event_id "
                        + "WHERE c.room_id = ? ORDER BY e.stream_ordering")
                .param(roomId).query(this::row).list();
    }

    /** The state of a room as it was right after position {@code at} (linear history: latest event per key). */
    List<StoredEvent> stateAt(String roomId, long at) {
        return db.sql().sql("SELECT " + prefixed("e") + " FROM events e JOIN (SELECT type, state_key, "
                        + "MAX(stream_ordering) AS so FROM events WHERE room_id = ? AND state_key IS NOT NULL "
                        + "AND stream_ordering <= ? GROUP BY type, state_key) s ON e.stream_ordering = s.so "
                        + "ORDER BY e.stream_ordering")
                .params(roomId, at).query(this::row).list();
    }

    /** State events of a room whose position is in (from, to], latest per key. */
    List<StoredEvent> stateChanges(String roomId, long fromExclusive, long toInclusive) {
        return db.sql().sql("SELECT " + prefixed("e") + " FROM events e JOIN (SELECT type, state_key, "
                        + "MAX(stream_ordering) AS so FROM events WHERE room_id = ? AND state_key IS NOT NULL "
                        + "AND stream_ordering > ? AND stream_ordering <= ? GROUP BY type, state_key) s "
                        + "ON e.stream_ordering = s.so ORDER BY e.stream_ordering")
                .params(roomId, fromExclusive, toInclusive).query(this::row).list();
    }

    /** Member events of the given users as of position {@code at}. */
    List<StoredEvent> membersAt(String roomId, Collection<String> userIds, long at) {
        if (userIds.isEmpty()) return List.of();
        String marks = String.join(",", java.util.Collections.nCopies(userIds.size(), "?"));
        List<Object> params = new ArrayList<>();
        params.add(roomId);
        params.addAll(userIds);
        params.add(at);
        return db.sql().sql("SELECT " + prefixed("e") + " FROM events e JOIN (SELECT state_key, MAX(stream_ordering) AS so "
                        + "FROM events WHERE room_id = ? AND type = 'm.room.member' AND state_key IN (" + marks + ") "
                        + "AND stream_ordering <= ? GROUP BY state_key) s ON e.stream_ordering = s.so")
                .params(params).query(this::row).list();
    }

    /** (position, value) pairs of one state key over the room's history, oldest first. */
    List<Map.Entry<Long, String>> stateHistory(String roomId, String type, String stateKey, String contentField,
                                               long toInclusive) {
        return db.sql().sql("SELECT " + COLUMNS + " FROM events WHERE room_id = ? AND type = ? AND state_key = ? "
                        + "AND stream_ordering <= ? ORDER BY stream_ordering")
                .params(roomId, type, stateKey, toInclusive)
                .query((rs, n) -> {
                    StoredEvent e = row(rs, n);
                    return Map.entry(e.streamOrdering(), e.pdu().path("content").path(contentField).asString(""));
                })
                .list();
    }

    void setCurrentState(String roomId, String type, String stateKey, String eventId, long position) {
        db.sql().sql("INSERT INTO current_state (room_id, type, state_key, event_id, stream_ordering) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (room_id, type, state_key) DO UPDATE SET event_id = excluded.event_id, "
                        + "stream_ordering = excluded.stream_ordering")
                .params(roomId, type, stateKey, eventId, position).update();
    }

    // ---- memberships

    void setMembership(String roomId, String userId, String membership, String eventId, long position) {
        db.sql().sql("INSERT INTO room_members (room_id, user_id, membership, event_id, stream_ordering, forgotten) "
                        + "VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (room_id, user_id) DO UPDATE SET "
                        + "membership = excluded.membership, event_id = excluded.event_id, "
                        + "stream_ordering = excluded.stream_ordering, forgotten = 0")
                .params(roomId, userId, membership, eventId, position).update();
    }

    Optional<Membership> membership(String roomId, String userId) {
        return db.sql().sql("SELECT membership FROM room_members WHERE room_id = ? AND user_id = ?")
                .params(roomId, userId).query(String.class).optional().map(Membership::fromValue);
    }

    /** The user's current membership per room (not forgotten rooms). */
    List<MembershipRow> memberships(String userId) {
        return db.sql().sql("SELECT room_id, membership, event_id, stream_ordering FROM room_members "
                        + "WHERE user_id = ? AND forgotten = 0")
                .param(userId)
                .query((rs, n) -> new MembershipRow(rs.getString(1), Membership.fromValue(rs.getString(2)), rs.getString(3),
                        rs.getLong(4)))
                .list();
    }

    /** Stored as the wire value; every stored value passed the authorisation rules, so it parses. */
    record MembershipRow(String roomId, Membership membership, String eventId, long streamOrdering) {
    }

    List<String> members(String roomId, Membership membership) {
        return db.sql().sql("SELECT user_id FROM room_members WHERE room_id = ? AND membership = ? ORDER BY user_id")
                .params(roomId, membership.value()).query(String.class).list();
    }

    Map<Membership, Integer> memberCounts(String roomId) {
        Map<Membership, Integer> counts = new java.util.EnumMap<>(Membership.class);
        db.sql().sql("SELECT membership, COUNT(*) FROM room_members WHERE room_id = ? GROUP BY membership").param(roomId)
                .query(rs -> {
                    counts.put(Membership.fromValue(rs.getString(1)), rs.getInt(2));
                });
        return counts;
    }

    void forget(String roomId, String userId) {
        db.sql().sql("UPDATE room_members SET forgotten = 1 WHERE room_id = ? AND user_id = ?").params(roomId, userId).update();
    }

    /** Whether two users currently share a joined room. */
    boolean shareRoom(String userA, String userB) {
        return db.sql().sql("SELECT 1 FROM room_members a JOIN room_members b ON a.room_id = b.room_id "
                        + "WHERE a.user_id = ? AND b.user_id = ? AND a.membership = 'join' AND b.membership = 'join' LIMIT 1")
                .params(userA, userB).query(Integer.class).optional().isPresent();
    }

    /** Users joined to at least one room the user is joined to (the user included). */
    /** Rooms both users are joined to now, by room ID. */
    List<String> mutualJoinedRooms(String userA, String userB) {
        return db.sql().sql("SELECT a.room_id FROM room_members a JOIN room_members b ON a.room_id = b.room_id "
                        + "WHERE a.user_id = ? AND a.membership = 'join' AND b.user_id = ? AND b.membership = 'join' "
                        + "ORDER BY a.room_id")
                .params(userA, userB).query(String.class).list();
    }

    List<String> usersSharingJoinedRoom(String userId) {
        return db.sql().sql("SELECT DISTINCT b.user_id FROM room_members a JOIN room_members b ON a.room_id = b.room_id "
                        + "WHERE a.user_id = ? AND a.membership = 'join' AND b.membership = 'join'")
                .param(userId).query(String.class).list();
    }

    /** Member events in (from, to] of the rooms the user has a membership row in, oldest first. */
    List<StoredEvent> memberEventsInRoomsOf(String userId, long fromExclusive, long toInclusive) {
        return db.sql().sql("SELECT " + prefixed("e") + " FROM events e JOIN room_members m ON m.room_id = e.room_id "
                        + "WHERE m.user_id = ? AND e.type = 'm.room.member' AND e.stream_ordering > ? "
                        + "AND e.stream_ordering <= ? ORDER BY e.stream_ordering")
                .params(userId, fromExclusive, toInclusive).query(this::row).list();
    }

    // ---- aliases

    void insertAlias(String alias, String roomId, String creator, long now) {
        db.sql().sql("INSERT INTO room_aliases (alias, room_id, creator, created_ts) VALUES (?, ?, ?, ?)")
                .params(alias, roomId, creator, now).update();
    }

    Optional<String> roomOfAlias(String alias) {
        return db.sql().sql("SELECT room_id FROM room_aliases WHERE alias = ?").param(alias).query(String.class).optional();
    }

    Optional<String> aliasCreator(String alias) {
        return db.sql().sql("SELECT creator FROM room_aliases WHERE alias = ?").param(alias).query(String.class).optional();
    }

    List<String> aliases(String roomId) {
        return db.sql().sql("SELECT alias FROM room_aliases WHERE room_id = ? ORDER BY alias").param(roomId)
                .query(String.class).list();
    }

    /** A room upgrade: every alias of the old room points to its replacement. */
    void moveAliases(String fromRoomId, String toRoomId) {
        db.sql().sql("UPDATE room_aliases SET room_id = ? WHERE room_id = ?").params(toRoomId, fromRoomId).update();
    }

    void deleteAlias(String alias) {
        db.sql().sql("DELETE FROM room_aliases WHERE alias = ?").param(alias).update();
    }

    static String prefixed(String alias) {
        return alias + "." + COLUMNS.replace(", ", ", " + alias + ".");
    }
}

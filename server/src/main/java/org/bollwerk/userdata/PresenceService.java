package org.bollwerk.userdata;

import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.bollwerk.storage.WakeKey;
import org.springframework.stereotype.Service;
import tools.jackson.databind.node.ObjectNode;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Presence (online, unavailable, offline, plus a status message). Changes take a stream position so
 * that /sync on any node can find them; unchanged states are not written.
 */
@Service
public class PresenceService {
    public static final Set<String> STATES = Set.of("online", "offline", "unavailable");
    static final int MAX_STATUS_LENGTH = 1024;
    /** A user counts as currently active for this long after their last activity. */
    static final long ACTIVE_WINDOW_MS = 5 * 60_000L;
    /** Presence changes looked at per incremental sync: a long gap shows the newest ones, not all. */
    static final int MAX_CHANGES_PER_SYNC = 1000;

    private final Db db;
    private final PresenceStore store;
    private final PresenceLiveness liveness;

    PresenceService(Db db, PresenceStore store, PresenceLiveness liveness) {
        this.db = db;
        this.store = store;
        this.liveness = liveness;
    }

    /** A user's presence as the status endpoint returns it. */
    record Status(String state, String statusMsg, Long lastActiveAgo, boolean currentlyActive) {
    }

    /**
     * {@code set_presence} of /sync: null means online; offline leaves the state alone (a client that
     * syncs "offline" only does not want to appear online). Writes only when the state changes.
     */
    public void setFromSync(String userId, String setPresence) {
        String state = setPresence == null ? "online" : setPresence;
        if (!STATES.contains(state)) throw MatrixException.invalidParam("set_presence must be online, offline or unavailable");
        if (state.equals("offline")) return;
        liveness.seen(userId);
        Optional<PresenceStore.Row> current = store.row(userId);
        if (current.isPresent() && current.get().state().equals(state)) return;
        db.write(() -> {
            Optional<PresenceStore.Row> now = store.row(userId);
            if (now.isPresent() && now.get().state().equals(state)) return;
            write(userId, state, now.map(PresenceStore.Row::statusMsg).orElse(null));
        });
    }

    /** {@code PUT /presence/{userId}/status}. */
    public void set(String userId, String state, String statusMsg) {
        if (!STATES.contains(state)) throw MatrixException.invalidParam("presence must be online, offline or unavailable");
        if (statusMsg != null && statusMsg.length() > MAX_STATUS_LENGTH) {
            throw MatrixException.invalidParam("status_msg is too long");
        }
        db.write(() -> {
            Optional<PresenceStore.Row> now = store.row(userId);
            if (now.isPresent() && now.get().state().equals(state) && Objects.equals(now.get().statusMsg(), statusMsg)) {
                return;
            }
            write(userId, state, statusMsg);
        });
    }

    /** Sets an online or unavailable user offline when they still show no sign of life since {@code cutoff}. */
    void expire(String userId, long cutoff) {
        db.write(() -> {
            if (!store.stillStale(userId, cutoff)) return;
            Optional<PresenceStore.Row> now = store.row(userId);
            store.upsert(userId, "offline", now.map(PresenceStore.Row::statusMsg).orElse(null),
                    now.map(PresenceStore.Row::lastActiveTs).orElse(System.currentTimeMillis()), db.nextPosition());
            db.wakeAfterCommit(WakeKey.user(userId));
        });
    }

    private void write(String userId, String state, String statusMsg) {
        store.upsert(userId, state, statusMsg, System.currentTimeMillis(), db.nextPosition());
        db.wakeAfterCommit(WakeKey.user(userId));
    }

    Status status(String userId) {
        long now = System.currentTimeMillis();
        return store.row(userId)
                .map(row -> new Status(row.state(), row.statusMsg(), Math.max(0, now - row.lastActiveTs()),
                        isActive(row, now)))
                .orElse(new Status("offline", null, null, false));
    }

    /** Users whose presence changed in (fromExclusive, toInclusive]; a bounded number, most recent changes last. */
    public Set<String> changedBetween(long fromExclusive, long toInclusive) {
        return new java.util.LinkedHashSet<>(store.changedUsers(fromExclusive, toInclusive, MAX_CHANGES_PER_SYNC));
    }

    /** {@code m.presence} events of those users whose presence changed in (fromExclusive, toInclusive]. */
    public List<ObjectNode> presenceEvents(Collection<String> userIds, long fromExclusive, long toInclusive) {
        long now = System.currentTimeMillis();
        return store.changes(userIds, fromExclusive, toInclusive).stream().map(row -> {
            ObjectNode event = Json.MAPPER.createObjectNode();
            event.put("type", "m.presence");
            event.put("sender", row.userId());
            ObjectNode content = event.putObject("content");
            content.put("presence", row.state());
            content.put("last_active_ago", Math.max(0, now - row.lastActiveTs()));
            content.put("currently_active", isActive(row, now));
            if (row.statusMsg() != null) content.put("status_msg", row.statusMsg());
            return event;
        }).toList();
    }

    private static boolean isActive(PresenceStore.Row row, long now) {
        return row.state().equals("online") && now - row.lastActiveTs() < ACTIVE_WINDOW_MS;
    }
}

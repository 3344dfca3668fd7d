package org.bollwerk.push;

import org.bollwerk.ephemeral.ReceiptService;
import org.bollwerk.matrix.auth.Membership;
import org.bollwerk.room.RoomReader;
import org.bollwerk.storage.Db;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A user's notification counts, as /sync reports them. A count is the number of notifying events after the
 * user's read receipt: the unthreaded receipt covers the whole room, a threaded one ({@code main} or a thread
 * root) its thread only, so reading a thread does not clear the main timeline and vice versa.
 */
@Service
public class Notifications {
    private final NotificationStore store;
    private final ReceiptService receipts;
    static final int KEEP_DAYS = 30;
    private final RoomReader rooms;
    private final Db db;

    Notifications(NotificationStore store, ReceiptService receipts, RoomReader rooms, Db db) {
        this.db = db;
        this.store = store;
        this.receipts = receipts;
        this.rooms = rooms;
    }

    /** Notification and highlight count of one thread or of the whole room. */
    public record Counts(int notifications, int highlights) {
        static final Counts NONE = new Counts(0, 0);

        Counts plus(int[] more) {
            return new Counts(notifications + more[0], highlights + more[1]);
        }
    }

    /**
     * {@code room}: every unread notification of the room; {@code main}: those of the main timeline;
     * {@code threads}: those of each thread (by root event ID) with any.
     */
    public record RoomCounts(Counts room, Counts main, Map<String, Counts> threads) {
    }

    /**
     * The counts of a room the user joined at {@code joinedAt} (stream position of their membership): what came
     * before, such as the invitation, is not unread in the room they now see.
     */
    public RoomCounts counts(String roomId, String userId, long joinedAt) {
        Map<String, Long> read = receipts.readPositions(roomId, userId);
        long unthreaded = Math.max(joinedAt, read.getOrDefault("", 0L));
        Map<String, int[]> byThread = store.countsByThread(userId, roomId, unthreaded);
        Counts room = Counts.NONE;
        Counts main = Counts.NONE;
        Map<String, Counts> threads = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> entry : byThread.entrySet()) {
            String thread = entry.getKey();
            int[] counts = entry.getValue();
            Long threadRead = read.get(thread);
            if (threadRead != null && threadRead > unthreaded) {
                counts = store.countInThread(userId, roomId, thread, threadRead);
            }
            if (counts[0] == 0) continue;
            room = room.plus(counts);
            if (thread.equals(NotificationStore.MAIN)) main = main.plus(counts);
            else threads.put(thread, Counts.NONE.plus(counts));
        }
        return new RoomCounts(room, main, threads);
    }

    /** Rooms whose counts for the user grew in (from, to], each with the latest event position among them. */
    public Map<String, Long> roomsChanged(String userId, long fromExclusive, long toInclusive) {
        return store.roomsStoredBetween(userId, fromExclusive, toInclusive);
    }

    /** Unread notifications across all the user's rooms: the badge a push carries. */
    int totalUnread(String userId) {
        Map<String, Long> joined = new HashMap<>();
        for (RoomReader.RoomMembership m : rooms.memberships(userId)) {
            if (m.membership() == Membership.JOIN) joined.put(m.roomId(), m.streamOrdering());
        }
        int total = 0;
        for (String roomId : store.roomsWithNotifications(userId)) {
            Long joinedAt = joined.get(roomId);
            if (joinedAt != null) total += counts(roomId, userId, joinedAt).room().notifications();
        }
        return total;
    }

    /** Whether the user has read up to the event (its position is covered by a receipt for its thread). */
    boolean isRead(String roomId, String userId, String threadId, long eventPosition, Map<String, Long> read) {
        long covered = Math.max(read.getOrDefault("", 0L), read.getOrDefault(threadId, 0L));
        return eventPosition <= covered;
    }

    /**
     * Notifications are kept {@link #KEEP_DAYS} days, as other homeservers keep theirs: an unread count older
     * than that is stale anyway, and the table would otherwise grow with every message forever.
     */
    @Scheduled(initialDelayString = "PT10M", fixedDelayString = "PT6H")
    void prune() {
        long before = System.currentTimeMillis() - java.time.Duration.ofDays(KEEP_DAYS).toMillis();
        db.write(() -> store.deleteOlderThan(before));
    }

    Map<String, Long> readPositions(String roomId, String userId) {
        return receipts.readPositions(roomId, userId);
    }
}

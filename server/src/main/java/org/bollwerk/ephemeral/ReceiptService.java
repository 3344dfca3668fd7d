package org.bollwerk.ephemeral;

import org.bollwerk.matrix.json.Json;
import org.bollwerk.room.StoredEvent;
import org.bollwerk.storage.Db;
import org.bollwerk.storage.WakeKey;
import org.springframework.stereotype.Service;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;

/** Read receipts: stored with a stream position so /sync delivers changes, across nodes too. */
@Service
public class ReceiptService {
    static final List<String> TYPES = List.of("m.read", "m.read.private", "m.fully_read");
    private final Db db;
    private final ReceiptStore store;
    private final org.springframework.context.ApplicationEventPublisher events;

    ReceiptService(Db db, ReceiptStore store, org.springframework.context.ApplicationEventPublisher events) {
        this.db = db;
        this.store = store;
        this.events = events;
    }

    /** Records a receipt; an older receipt never replaces a newer one. */
    void receipt(String roomId, String userId, String type, String threadId, StoredEvent event) {
        String thread = threadId == null ? "" : threadId;
        db.write(() -> {
            Optional<Long> current = store.eventPosition(roomId, userId, type, thread);
            if (current.isPresent() && current.get() >= event.streamOrdering()) return;
            long now = System.currentTimeMillis();
            store.upsert(roomId, userId, type, thread, event.eventId(), now, event.streamOrdering(), db.nextPosition());
            events.publishEvent(new ReceiptRecorded(roomId, userId, type, event.eventId(), event.streamOrdering(), now));
            db.wakeAfterCommit(WakeKey.room(roomId));
        });
    }

    /**
     * The {@code m.receipt} ephemeral event for receipts changed in (from, to], as {@code viewer} may see
     * it (private receipts only to their owner); null when nothing changed.
     */
    public ObjectNode receiptEvent(String roomId, String viewer, long fromExclusive, long toInclusive) {
        List<ReceiptStore.Receipt> receipts = store.changed(roomId, fromExclusive, toInclusive);
        ObjectNode content = Json.MAPPER.createObjectNode();
        boolean any = false;
        for (ReceiptStore.Receipt r : receipts) {
            if (r.type().equals("m.read.private") && !r.userId().equals(viewer)) continue;
            ObjectNode entry = content.withObject(r.eventId()).withObject(r.type()).withObject(r.userId());
            entry.put("ts", r.ts());
            if (!r.threadId().isEmpty()) entry.put("thread_id", r.threadId());
            any = true;
        }
        if (!any) return null;
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("type", "m.receipt");
        event.set("content", content);
        return event;
    }

    /** Stream position of the newest event the user has marked as read, or 0. */
    public long readUpTo(String roomId, String userId) {
        return store.latestReadPosition(roomId, userId).orElse(0L);
    }

    /**
     * The user's read positions in a room by thread: {@code ""} for the unthreaded receipt (it covers every
     * thread), {@code "main"} or a thread root's event ID for threaded ones; the newer of public and private.
     */
    public java.util.Map<String, Long> readPositions(String roomId, String userId) {
        return store.readPositionsByThread(roomId, userId);
    }

    static boolean validType(String type) {
        return TYPES.contains(type);
    }

}

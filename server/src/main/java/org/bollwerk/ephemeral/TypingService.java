package org.bollwerk.ephemeral;

import org.bollwerk.cluster.ClusterBus;
import org.bollwerk.storage.StreamNotifier;
import org.bollwerk.storage.WakeKey;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who is typing where. Kept in memory (typing is worthless after seconds) with its own serial, which is
 * the second part of the sync token. With several nodes each keeps its own copy: a change is applied here and
 * sent to the others over the {@link ClusterBus} (ADR 0006), which apply it to theirs; serials stay per node.
 */
@Service
public class TypingService {
    private static final long MAX_TIMEOUT_MS = 120_000;
    private final StreamNotifier notifier;
    // Starts at the clock so serials in sync tokens keep growing across restarts.
    private final AtomicLong serial = new AtomicLong(System.currentTimeMillis());
    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();

    private static final class Room {
        final ConcurrentHashMap<String, Long> expiries = new ConcurrentHashMap<>();
        volatile long changedAt;
    }

    private static final String TOPIC = "typing";
    private final ClusterBus bus;

    TypingService(StreamNotifier notifier, ClusterBus bus) {
        this.notifier = notifier;
        this.bus = bus;
        bus.subscribe(TOPIC, bodies -> bodies.forEach(this::applyFromOtherNode));
    }

    public long serial() {
        return serial.get();
    }

    void setTyping(String roomId, String userId, boolean typing, long timeoutMs) {
        apply(roomId, userId, typing, timeoutMs);
        try {
            bus.publish(TOPIC, roomId + "\n" + userId + "\n" + typing + "\n" + timeoutMs);
        } catch (RuntimeException e) {  // typing is best effort: this node has it, the others miss one notice
            org.slf4j.LoggerFactory.getLogger(TypingService.class).debug("Typing not sent to other nodes", e);
        }
    }

    /** Another node's typing change (room and user were checked there); expiry counts from arrival here. */
    private void applyFromOtherNode(String body) {
        String[] parts = body.split("\n");
        if (parts.length != 4) return;
        try {
            apply(parts[0], parts[1], Boolean.parseBoolean(parts[2]), Long.parseLong(parts[3]));
        } catch (NumberFormatException ignored) {
            // not a message this version understands
        }
    }

    private void apply(String roomId, String userId, boolean typing, long timeoutMs) {
        Room room = rooms.computeIfAbsent(roomId, r -> new Room());
        boolean changed;
        if (typing) {
            long expiry = System.currentTimeMillis() + Math.max(0, Math.min(timeoutMs, MAX_TIMEOUT_MS));
            changed = room.expiries.put(userId, expiry) == null;
        } else {
            changed = room.expiries.remove(userId) != null;
        }
        if (changed) changed(roomId, room);
    }

    private void changed(String roomId, Room room) {
        room.changedAt = serial.incrementAndGet();
        notifier.wake(List.of(WakeKey.room(roomId)));
    }

    /** Users typing in the room now, if that changed after {@code sinceSerial}; null when unchanged. */
    public List<String> typingIfChanged(String roomId, long sinceSerial) {
        Room room = rooms.get(roomId);
        if (room == null || room.changedAt <= sinceSerial) return null;
        return typing(room);
    }

    public List<String> typing(String roomId) {
        Room room = rooms.get(roomId);
        return room == null ? List.of() : typing(room);
    }

    private static List<String> typing(Room room) {
        long now = System.currentTimeMillis();
        return room.expiries.entrySet().stream().filter(e -> e.getValue() > now).map(Map.Entry::getKey).sorted().toList();
    }

    /** Expired typing notices must reach clients as "stopped typing". */
    @Scheduled(fixedDelay = 1000)
    void expire() {
        long now = System.currentTimeMillis();
        rooms.forEach((roomId, room) -> {
            if (room.expiries.values().removeIf(expiry -> expiry <= now)) changed(roomId, room);
            if (room.expiries.isEmpty() && room.changedAt < serial.get() - 100_000) rooms.remove(roomId, room);
        });
    }
}

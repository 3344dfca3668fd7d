package org.bollwerk.ephemeral;

import org.bollwerk.storage.StreamNotifier;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who is typing where. Kept in memory (typing is worthless after seconds) with its own serial, which is
 * the second part of the sync token. Per node for now; cross-node delivery belongs to the HA work.
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

    TypingService(StreamNotifier notifier) {
        this.notifier = notifier;
    }

    public long serial() {
        return serial.get();
    }

    void setTyping(String roomId, String userId, boolean typing, long timeoutMs) {
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
        notifier.wake(List.of("room:" + roomId));
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

package org.bollwerk.userdata;

import org.bollwerk.storage.Db;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which users synced on this node and writes their last sync time in one batch every
 * {@code bollwerk.presence.flush-interval}: one small write per node and interval instead of one per
 * /sync request, which would cost a write for every long-poll of every user.
 */
@Component
class PresenceLiveness {
    private static final int CHUNK = 500;
    private final Db db;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    PresenceLiveness(Db db) {
        this.db = db;
    }

    void seen(String userId) {
        seen.add(userId);
    }

    @Scheduled(fixedDelayString = "${bollwerk.presence.flush-interval:60s}",
            initialDelayString = "${bollwerk.presence.flush-interval:60s}")
    void flush() {
        if (seen.isEmpty()) return;
        List<String> users = new ArrayList<>(seen);
        users.forEach(seen::remove);
        long now = System.currentTimeMillis();
        db.write(() -> {
            for (int start = 0; start < users.size(); start += CHUNK) {
                List<String> chunk = users.subList(start, Math.min(users.size(), start + CHUNK));
                List<Object> params = new ArrayList<>();
                params.add(now);
                params.addAll(chunk);
                db.sql().sql("UPDATE presence SET last_sync_ts = ? WHERE user_id IN ("
                        + String.join(",", Collections.nCopies(chunk.size(), "?")) + ")").params(params).update();
            }
        });
    }
}

package org.bollwerk.sync;

import org.springframework.stereotype.Component;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Remembers, per device, the token an initial sync (one without {@code since}) handed out, so that the device's
 * first incremental sync from exactly that token is answered at once instead of parking for the whole timeout.
 * Apps (Element's "Connecting…") treat the first incremental answer as "connected"; before it they only have the
 * snapshot. An empty answer is valid by the spec; later syncs long-poll as usual. Memory only and bounded: after a
 * restart or on another node the first sync simply parks as before.
 */
@Component
class FirstIncrementalSync {
    static final int MAX_DEVICES = 100_000;

    private final ConcurrentMap<String, String> tokenOfInitialSync = new ConcurrentHashMap<>();

    void initialSyncAnswered(String userId, String deviceId, String nextBatch) {
        if (tokenOfInitialSync.size() >= MAX_DEVICES) tokenOfInitialSync.clear();  // crude bound; losing marks is harmless
        tokenOfInitialSync.put(key(userId, deviceId), nextBatch);
    }

    /** Whether this sync is the device's first from its initial sync's token (asked once: the mark is used up). */
    boolean isFirstAfterInitial(String userId, String deviceId, String since) {
        return since != null && tokenOfInitialSync.remove(key(userId, deviceId), since);
    }

    private static String key(String userId, String deviceId) {
        return userId + '\u0000' + deviceId;
    }
}

package org.bollwerk.userdata;

import org.bollwerk.cluster.JobLease;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Sets users offline whose apps stopped syncing for {@code bollwerk.presence.offline-after} (default 3 min;
 * it must exceed the liveness flush interval). One node at a time does it (job lease); each change takes a
 * stream position and wakes the users who share a room, like any presence change.
 */
@Component
class PresenceTimeout {
    private final PresenceService presence;
    private final PresenceStore store;
    private final PresenceLiveness liveness;
    private final JobLease lease;
    private final Duration offlineAfter;

    PresenceTimeout(PresenceService presence, PresenceStore store, PresenceLiveness liveness, JobLease lease,
                    @Value("${bollwerk.presence.offline-after:3m}") Duration offlineAfter,
                    @Value("${bollwerk.presence.flush-interval:60s}") Duration flushInterval) {
        if (offlineAfter.compareTo(flushInterval.multipliedBy(2)) < 0) {
            throw new IllegalStateException("bollwerk.presence.offline-after (" + offlineAfter + ") must be at least twice "
                    + "bollwerk.presence.flush-interval (" + flushInterval + "), or syncing users would flicker offline");
        }
        this.presence = presence;
        this.store = store;
        this.liveness = liveness;
        this.lease = lease;
        this.offlineAfter = offlineAfter;
    }

    @Scheduled(fixedDelayString = "${bollwerk.presence.check-interval:30s}",
            initialDelayString = "${bollwerk.presence.check-interval:30s}")
    void expire() {
        lease.runExclusively("presence-timeout", Duration.ofMinutes(2), () -> {
            liveness.flush();  // this node's own syncing users first, so they are not expired by mistake
            long cutoff = System.currentTimeMillis() - offlineAfter.toMillis();
            for (String userId : store.stale(cutoff)) presence.expire(userId, cutoff);
        });
    }
}

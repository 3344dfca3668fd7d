package org.bollwerk.sync;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.bollwerk.storage.StreamNotifier;
import org.springframework.stereotype.Component;

/**
 * How busy {@code /sync} is, without user labels: long-polls parked waiting for something new, and builds
 * running or queued for a permit ({@link SyncAdmission}). A growing queue means the database cannot keep up.
 */
@Component
class SyncMetrics {
    SyncMetrics(MeterRegistry meters, StreamNotifier notifier, SyncAdmission admission) {
        Gauge.builder("bollwerk.sync.longpolls.waiting", notifier, StreamNotifier::waitingCount)
                .description("/sync long-polls parked waiting for new data").register(meters);
        Gauge.builder("bollwerk.sync.builds.queued", admission, SyncAdmission::queued)
                .description("/sync responses waiting for a build permit").register(meters);
        Gauge.builder("bollwerk.sync.builds.running", admission, SyncAdmission::building)
                .description("/sync responses being built now").register(meters);
        Gauge.builder("bollwerk.sync.builds.limit", admission, SyncAdmission::size)
                .description("Concurrent /sync builds allowed (bollwerk.sync.concurrent-builds)").register(meters);
    }
}

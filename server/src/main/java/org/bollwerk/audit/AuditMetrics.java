package org.bollwerk.audit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * The audit chain's health for alerting: the age of the newest signed checkpoint (it should stay below about
 * twice {@code bollwerk.audit.checkpoint-interval}; older means checkpoints stopped — a refused chain, a
 * broken key) and the chain head's sequence number. Read from the database at each scrape.
 */
@Component
class AuditMetrics {
    private final AuditStore store;

    AuditMetrics(MeterRegistry meters, AuditStore store) {
        this.store = store;
        Gauge.builder("bollwerk.audit.checkpoint.age", this, AuditMetrics::checkpointAgeSeconds).baseUnit("seconds")
                .description("Seconds since the newest signed audit checkpoint (NaN before the first)").register(meters);
    }

    double checkpointAgeSeconds() {
        List<AuditStore.StoredCheckpoint> newest = store.recentCheckpoints(Long.MAX_VALUE, 1);
        return newest.isEmpty() ? Double.NaN : (System.currentTimeMillis() - newest.getFirst().ts()) / 1000.0;
    }
}

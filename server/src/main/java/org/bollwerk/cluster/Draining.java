package org.bollwerk.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * The first step of a graceful shutdown (SIGTERM): readiness turns false, then the node keeps serving for
 * {@code bollwerk.cluster.drain-period} so that load balancers probing readiness stop sending new requests.
 * Runs on the context-closed event, which comes before any lifecycle stops; after it, parked long-polls are
 * answered at once (storage's LongPollShutdown) and the web server finishes in-flight requests
 * ({@code server.shutdown=graceful}).
 */
@Component
class Draining {
    private static final Logger log = LoggerFactory.getLogger(Draining.class);
    private final ApplicationContext context;
    private final Duration drainPeriod;
    private volatile boolean draining;

    Draining(ApplicationContext context, @Value("${bollwerk.cluster.drain-period:0s}") Duration drainPeriod) {
        if (drainPeriod.isNegative() || drainPeriod.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException(
                    "bollwerk.cluster.drain-period (BOLLWERK_CLUSTER_DRAIN_PERIOD) must be between 0s and 5m");
        }
        this.context = context;
        this.drainPeriod = drainPeriod;
    }

    boolean isDraining() {
        return draining;
    }

    @EventListener
    void onClose(ContextClosedEvent event) {
        if (event.getApplicationContext() != context || draining) return;
        draining = true;
        if (drainPeriod.isZero()) return;
        log.info("Draining: readiness is false; serving for another {} s before shutting down", drainPeriod.toSeconds());
        try {
            Thread.sleep(drainPeriod.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

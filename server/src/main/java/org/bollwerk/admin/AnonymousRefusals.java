package org.bollwerk.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.bollwerk.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admin API requests refused before anyone was authenticated (no token, an unknown token) are counted, not
 * recorded one by one: anyone on the network can send them, and one audit entry each would let them flood the
 * chain (issue 24). Each is counted in the metric {@code bollwerk_admin_anonymous_refusals_total}; every
 * {@code bollwerk.audit.anonymous-refusals-interval} (1 min) one entry per client address sums them up
 * (action {@value #ACTION}: how many, when, an example route), for at most {@value #MAX_SOURCES} addresses with
 * the most requests; the rest share one entry. So an attack from any number of addresses adds at most
 * {@value #MAX_SOURCES} + 1 entries per interval. Requests of authenticated callers are still recorded each.
 */
@Component
class AnonymousRefusals {
    private static final Logger log = LoggerFactory.getLogger(AnonymousRefusals.class);
    static final String ACTION = "admin.refused_without_authentication";
    static final int MAX_SOURCES = 20;
    /** Addresses tracked between two summaries; beyond it, new addresses count under {@link #OTHERS}. */
    static final int MAX_TRACKED = 10_000;
    static final String OTHERS = "other addresses";

    private final AuditTrail audit;
    private final Counter counter;
    private final ConcurrentHashMap<String, Tally> bySource = new ConcurrentHashMap<>();

    AnonymousRefusals(AuditTrail audit, MeterRegistry meters) {
        this.audit = audit;
        this.counter = Counter.builder("bollwerk.admin.anonymous.refusals")
                .description("Admin API requests refused before authentication (summarised in the audit trail)")
                .register(meters);
    }

    private static final class Tally {
        final AtomicLong count = new AtomicLong();
        final long firstTs = System.currentTimeMillis();
        volatile long lastTs;
        final Map<String, Boolean> examples = new ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicInteger statusMax = new java.util.concurrent.atomic.AtomicInteger();
    }

    /** Counts one refusal of {@code action} (method and route) from {@code clientIp} with {@code status}. */
    void count(String clientIp, String action, int status) {
        counter.increment();
        String source = clientIp == null ? "unknown" : clientIp;
        if (!bySource.containsKey(source) && bySource.size() >= MAX_TRACKED) source = OTHERS;
        Tally tally = bySource.computeIfAbsent(source, s -> new Tally());
        tally.count.incrementAndGet();
        tally.lastTs = System.currentTimeMillis();
        tally.statusMax.accumulateAndGet(status, Math::max);
        if (tally.examples.size() < 3) tally.examples.putIfAbsent(action, Boolean.TRUE);
    }

    /** Writes the summaries of the interval that ended and starts a new one. */
    @Scheduled(fixedDelayString = "${bollwerk.audit.anonymous-refusals-interval:1m}",
            initialDelayString = "${bollwerk.audit.anonymous-refusals-interval:1m}")
    void summarise() {
        if (bySource.isEmpty()) return;
        List<Map.Entry<String, Tally>> taken = new ArrayList<>();
        for (String source : List.copyOf(bySource.keySet())) {
            Tally tally = bySource.remove(source);
            if (tally != null) taken.add(Map.entry(source, tally));
        }
        taken.sort(Comparator.comparingLong((Map.Entry<String, Tally> e) -> e.getValue().count.get()).reversed());
        long othersCount = 0;
        long othersFirst = Long.MAX_VALUE;
        long othersLast = 0;
        int othersSources = 0;
        int written = 0;
        for (Map.Entry<String, Tally> entry : taken) {
            Tally t = entry.getValue();
            if (written < MAX_SOURCES && !entry.getKey().equals(OTHERS)) {
                record(entry.getKey(), t.statusMax.get(), t.count.get() + " requests refused without authentication "
                        + "between " + Instant.ofEpochMilli(t.firstTs) + " and " + Instant.ofEpochMilli(t.lastTs)
                        + "; e.g. " + String.join(", ", t.examples.keySet()));
                written++;
            } else {
                othersCount += t.count.get();
                othersFirst = Math.min(othersFirst, t.firstTs);
                othersLast = Math.max(othersLast, t.lastTs);
                othersSources += entry.getKey().equals(OTHERS) ? 0 : 1;
            }
        }
        if (othersCount > 0) {
            record(null, 401, othersCount + " requests refused without authentication from " + (othersSources > 0
                    ? othersSources + " more" : "untracked") + " addresses between " + Instant.ofEpochMilli(othersFirst)
                    + " and " + Instant.ofEpochMilli(othersLast));
        }
    }

    private void record(String clientIp, int status, String detail) {
        try {
            audit.record(null, null, ACTION, null, null, clientIp, status, detail);
        } catch (RuntimeException e) {
            log.error("Could not record refused admin requests in the audit trail: {}", detail, e);
        }
    }

    /** What is counted but not yet written goes into the trail before the server stops. */
    @PreDestroy
    void flush() {
        summarise();
    }
}

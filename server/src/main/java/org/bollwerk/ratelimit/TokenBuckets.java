package org.bollwerk.ratelimit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Token buckets keyed by a string (a user ID or an IP), all with the same rate and burst.
 *
 * <p>Memory is bounded: a bucket that has refilled to full is indistinguishable from a new one, so such
 * idle buckets are dropped by a sweep that runs every {@value #SWEEP_EVERY} takes and whenever the map
 * exceeds its capacity. If a flood of distinct keys still overflows the map, arbitrary buckets are
 * dropped (their keys start over with a full burst) and a warning is logged; memory wins over
 * precision there, and the other dimension (IP vs user) still limits the flooder.
 */
final class TokenBuckets {
    private static final Logger log = LoggerFactory.getLogger(TokenBuckets.class);
    static final int SWEEP_EVERY = 4096;

    private final String name;
    private final double tokensPerNano;
    private final double burst;
    private final int maxKeys;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong takes = new AtomicLong();

    TokenBuckets(String name, double perSecond, int burst, int maxKeys, LongSupplier nanoClock) {
        if (perSecond <= 0 || burst < 1 || maxKeys < 1) throw new IllegalArgumentException("invalid bucket settings");
        this.name = name;
        this.tokensPerNano = perSecond / 1e9;
        this.burst = burst;
        this.maxKeys = maxKeys;
        this.nanoClock = nanoClock;
    }

    /**
     * Takes one token for {@code key}.
     *
     * @return 0 when allowed, otherwise the milliseconds (at least 1) until a token will be available
     */
    long take(String key) {
        long now = nanoClock.getAsLong();
        if (takes.incrementAndGet() % SWEEP_EVERY == 0 || buckets.size() >= maxKeys) sweep(now);
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        return bucket.take(now, tokensPerNano, burst);
    }

    /**
     * Takes {@code cost} tokens for {@code key} (a volume such as bytes). A cost above the burst passes when the
     * bucket is full and leaves it in debt, so an oversized request is possible but pays for itself afterwards.
     *
     * @return 0 when allowed, otherwise the milliseconds (at least 1) until the cost will be affordable
     */
    long take(String key, double cost) {
        if (cost <= 0) return 0;
        long now = nanoClock.getAsLong();
        if (takes.incrementAndGet() % SWEEP_EVERY == 0 || buckets.size() >= maxKeys) sweep(now);
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        return bucket.take(now, tokensPerNano, burst, cost);
    }

    /** Gives back a token taken by {@link #take} for an attempt another limit then refused. */
    void refund(String key) {
        Bucket bucket = buckets.get(key);
        if (bucket != null) bucket.refund(burst);
    }

    int size() {
        return buckets.size();
    }

    /** Drops buckets that are full again; if still over capacity, drops arbitrary ones. */
    void sweep(long now) {
        buckets.values().removeIf(bucket -> bucket.isFullAt(now, tokensPerNano, burst));
        if (buckets.size() >= maxKeys) {
            int target = maxKeys - maxKeys / 10 - 1;
            Iterator<Bucket> it = buckets.values().iterator();
            int dropped = 0;
            while (buckets.size() > target && it.hasNext()) {
                it.next();
                it.remove();
                dropped++;
            }
            log.warn("Rate limiter '{}' held {} active keys (limit {}); dropped {} buckets", name,
                    buckets.size() + dropped, maxKeys, dropped);
        }
    }

    private static final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        synchronized long take(long now, double perNano, double burst) {
            refill(now, perNano, burst);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            double missingNanos = (1 - tokens) / perNano;
            return Math.max(1, (long) Math.ceil(missingNanos / 1_000_000));
        }

        synchronized long take(long now, double perNano, double burst, double cost) {
            refill(now, perNano, burst);
            double needed = Math.min(cost, burst);
            if (tokens >= needed) {
                tokens -= cost;
                return 0;
            }
            double missingNanos = (needed - tokens) / perNano;
            return Math.max(1, (long) Math.ceil(missingNanos / 1_000_000));
        }

        synchronized void refund(double burst) {
            tokens = Math.min(burst, tokens + 1);
        }

        synchronized boolean isFullAt(long now, double perNano, double burst) {
            refill(now, perNano, burst);
            return tokens >= burst;
        }

        private void refill(long now, double perNano, double burst) {
            long elapsed = now - updated;
            if (elapsed > 0) {
                tokens = Math.min(burst, tokens + elapsed * perNano);
                updated = now;
            }
        }
    }
}

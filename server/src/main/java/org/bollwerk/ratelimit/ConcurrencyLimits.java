package org.bollwerk.ratelimit;

import org.bollwerk.matrix.MatrixException;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds how many expensive operations (uploads, thumbnail generation …) run at once, per key (a user) and
 * in total. Never waits: a request over a bound is refused at once with 429 {@code M_LIMIT_EXCEEDED} and
 * {@code retry_after_ms}, so one client cannot park threads or memory on the server. A key's counter exists
 * only while it holds permits, so memory is bounded by the global limit.
 */
public final class ConcurrencyLimits {
    private final String what;
    private final int perKey;
    private final int total;
    private final long retryAfterMs;
    private final AtomicInteger inUse = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> byKey = new ConcurrentHashMap<>();

    /** A held permit; closing it (once) gives it back. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * @param what         what is limited, for the error message ("uploads")
     * @param perKey       at most this many at once per key
     * @param total        at most this many at once in total
     * @param retryAfterMs what refused clients are told to wait
     */
    public ConcurrencyLimits(String what, int perKey, int total, long retryAfterMs) {
        if (perKey < 1 || total < 1 || retryAfterMs < 1) throw new IllegalArgumentException("invalid concurrency limits");
        this.what = what;
        this.perKey = perKey;
        this.total = total;
        this.retryAfterMs = retryAfterMs;
    }

    /** @throws MatrixException 429 {@code M_LIMIT_EXCEEDED} when {@code key} or the server is at its bound */
    public Permit acquire(String key) {
        boolean[] granted = {false};
        byKey.compute(key, (k, held) -> {
            int mine = held == null ? 0 : held;
            if (mine >= perKey) return held;
            if (inUse.incrementAndGet() > total) {
                inUse.decrementAndGet();
                return held;
            }
            granted[0] = true;
            return mine + 1;
        });
        if (!granted[0]) {
            boolean mineFull = byKey.getOrDefault(key, 0) >= perKey;
            throw RateLimiter.limitExceeded("concurrency", retryAfterMs, mineFull
                    ? "Too many " + what + " of yours at once (at most " + perKey + "); wait for one to finish"
                    : "The server is busy with " + what + "; try again shortly");
        }
        return new Permit() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (closed) return;
                closed = true;
                byKey.computeIfPresent(key, (k, held) -> held <= 1 ? null : held - 1);
                inUse.decrementAndGet();
            }
        };
    }

    /** Permits held now (for tests and metrics). */
    public int inUse() {
        return inUse.get();
    }
}

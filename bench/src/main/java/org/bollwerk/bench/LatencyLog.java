package org.bollwerk.bench;

import java.util.Arrays;

/** Samples of (when, latency) in nanoseconds from many threads; windows by time for ramp steps. */
final class LatencyLog {
    private long[] at = new long[1024];
    private long[] lat = new long[1024];
    private int n;

    synchronized void add(long atNanos, long latencyNanos) {
        if (n == at.length) {
            at = Arrays.copyOf(at, n * 2);
            lat = Arrays.copyOf(lat, n * 2);
        }
        at[n] = atNanos;
        lat[n] = latencyNanos;
        n++;
    }

    synchronized int size() {
        return n;
    }

    /** Latencies of the samples taken in [from, to). */
    synchronized long[] between(long fromNanos, long toNanos) {
        long[] out = new long[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (at[i] >= fromNanos && at[i] < toNanos) {
                out[k++] = lat[i];
            }
        }
        return Arrays.copyOf(out, k);
    }

    synchronized long[] all() {
        return Arrays.copyOf(lat, n);
    }
}

package org.bollwerk.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles (nearest rank) and medians over latency samples in nanoseconds. */
final class Stats {

    private Stats() {
    }

    /** Nearest-rank percentile, {@code p} in (0, 100]; NaN for no samples. */
    static double percentile(long[] samples, double p) {
        if (samples.length == 0) {
            return Double.NaN;
        }
        long[] s = samples.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }

    static double percentileMs(long[] nanos, double p) {
        return round(percentile(nanos, p) / 1_000_000.0, 3);
    }

    /** Median of the values (mean of the two middle ones for an even count); NaN for none. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    }

    static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}

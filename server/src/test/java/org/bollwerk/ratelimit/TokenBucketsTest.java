package org.bollwerk.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketsTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private void advanceMillis(long ms) {
        nanos.addAndGet(ms * 1_000_000);
    }

    @Test
    void aBurstIsAllowedAndTheNextTakeMustWaitForOneToken() {
        TokenBuckets buckets = new TokenBuckets("t", 2, 3, 100, nanos::get);
        assertThat(buckets.take("k")).isZero();
        assertThat(buckets.take("k")).isZero();
        assertThat(buckets.take("k")).isZero();
        assertThat(buckets.take("k")).isEqualTo(500);  // 2 per second: one token every 500 ms
    }

    @Test
    void tokensRefillOverTimeButNeverBeyondTheBurst() {
        TokenBuckets buckets = new TokenBuckets("t", 1, 2, 100, nanos::get);
        buckets.take("k");
        buckets.take("k");
        advanceMillis(400);
        assertThat(buckets.take("k")).isEqualTo(600);
        advanceMillis(600);
        assertThat(buckets.take("k")).isZero();
        advanceMillis(60_000);
        assertThat(buckets.take("k")).isZero();
        assertThat(buckets.take("k")).isZero();
        assertThat(buckets.take("k")).isPositive();
    }

    @Test
    void keysHaveIndependentBuckets() {
        TokenBuckets buckets = new TokenBuckets("t", 1, 1, 100, nanos::get);
        assertThat(buckets.take("a")).isZero();
        assertThat(buckets.take("a")).isPositive();
        assertThat(buckets.take("b")).isZero();
    }

    @Test
    void refusedTakesDoNotPushTheWaitFurtherOut() {
        TokenBuckets buckets = new TokenBuckets("t", 1, 1, 100, nanos::get);
        buckets.take("k");
        for (int i = 0; i < 50; i++) buckets.take("k");
        advanceMillis(1000);
        assertThat(buckets.take("k")).isZero();
    }

    @Test
    void idleBucketsAreEvictedSoMemoryStaysBounded() {
        TokenBuckets buckets = new TokenBuckets("t", 10, 5, 1000, nanos::get);
        for (int i = 0; i < 900; i++) buckets.take("ip-" + i);
        assertThat(buckets.size()).isEqualTo(900);
        advanceMillis(1000);  // every bucket is full again
        buckets.sweep(nanos.get());
        assertThat(buckets.size()).isZero();
    }

    @Test
    void aFloodOfDistinctKeysNeverGrowsBeyondTheCapacity() {
        TokenBuckets buckets = new TokenBuckets("t", 1, 5, 1000, nanos::get);
        for (int i = 0; i < 50_000; i++) buckets.take("flood-" + i);
        assertThat(buckets.size()).isLessThanOrEqualTo(1000);
    }

    @Test
    void aBusyKeySurvivesTheSweepOfIdleOnes() {
        TokenBuckets buckets = new TokenBuckets("t", 1, 2, 1000, nanos::get);
        buckets.take("busy");
        buckets.take("busy");
        buckets.take("idle");
        advanceMillis(100);
        buckets.sweep(nanos.get());
        assertThat(buckets.take("busy")).isPositive();  // still empty: not reset by the sweep
    }
}

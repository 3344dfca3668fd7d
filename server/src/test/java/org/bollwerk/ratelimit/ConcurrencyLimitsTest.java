package org.bollwerk.ratelimit;

import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConcurrencyLimitsTest {

    @Test
    void aKeyOverItsBoundIsRefusedWithRetryAfterWhileOthersProceed() {
        ConcurrencyLimits limits = new ConcurrencyLimits("uploads", 2, 10, 1500);
        ConcurrencyLimits.Permit first = limits.acquire("@a:x");
        limits.acquire("@a:x");
        MatrixException refused = catchThrowableOfType(MatrixException.class, () -> limits.acquire("@a:x"));
        assertThat(refused.errCode()).isEqualTo(ErrCode.M_LIMIT_EXCEEDED);
        assertThat(refused.httpStatus()).isEqualTo(429);
        assertThat(refused.body()).containsEntry("retry_after_ms", 1500L);
        assertThat(refused.getMessage()).contains("yours");
        limits.acquire("@b:x").close();
        first.close();
        first.close();  // closing twice gives back one permit only
        limits.acquire("@a:x");
        assertThat(catchThrowableOfType(MatrixException.class, () -> limits.acquire("@a:x"))).isNotNull();
    }

    @Test
    void theTotalBoundHoldsAcrossKeys() {
        ConcurrencyLimits limits = new ConcurrencyLimits("thumbnail generations", 1, 3, 1000);
        List<ConcurrencyLimits.Permit> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) held.add(limits.acquire("@u" + i + ":x"));
        MatrixException refused = catchThrowableOfType(MatrixException.class, () -> limits.acquire("@u9:x"));
        assertThat(refused.getMessage()).contains("busy");
        held.removeFirst().close();
        limits.acquire("@u9:x");
        assertThat(limits.inUse()).isEqualTo(3);
    }

    @Test
    void concurrentAcquiresNeverExceedTheBounds() throws Exception {
        ConcurrencyLimits limits = new ConcurrencyLimits("uploads", 2, 5, 1000);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger mostOfOneKey = new AtomicInteger();
        AtomicInteger[] perKey = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int key = t % perKey.length;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 2000; i++) {
                    try (ConcurrencyLimits.Permit permit = limits.acquire("k" + key)) {
                        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                        mostOfOneKey.accumulateAndGet(perKey[key].incrementAndGet(), Math::max);
                        perKey[key].decrementAndGet();
                        running.decrementAndGet();
                    } catch (MatrixException refused) {
                        // over a bound: expected under contention
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
        pool.shutdown();
        assertThat(mostAtOnce.get()).isBetween(1, 5);
        assertThat(mostOfOneKey.get()).isBetween(1, 2);
        assertThat(limits.inUse()).isZero();
    }
}

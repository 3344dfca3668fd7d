package org.bollwerk.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a race: several platform threads start together and each runs its part with its own seeded random.
 * The seed (random per run, or {@code -Dbollwerk.race.seed=S}) is printed with any failure so the choices
 * a failing run made can be replayed; {@code -Dbollwerk.race.iterations=N} scales the iterations.
 */
final class RaceRun {
    private final long seed;
    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

    interface Part {
        void run(int thread, Random random) throws Exception;
    }

    RaceRun() {
        Long fixed = Long.getLong("bollwerk.race.seed");
        this.seed = fixed != null ? fixed : new Random().nextLong();
    }

    static int iterations(int defaultCount) {
        return Integer.getInteger("bollwerk.race.iterations", defaultCount);
    }

    long seed() {
        return seed;
    }

    /** Runs {@code part} on {@code threads} threads at once and fails (with the seed) if any thread failed. */
    void run(int threads, Part part) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Random random = new Random(seed * 31 + thread);
            started.add(Thread.ofPlatform().name("race-" + t).start(() -> {
                try {
                    start.await();
                    part.run(thread, random);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        start.countDown();
        for (Thread thread : started) thread.join();
        check();
    }

    /** Fails with the seed if any part failed so far. */
    void check() {
        Throwable first = failures.peek();
        if (first != null) {
            AssertionError error = new AssertionError(failures.size() + " thread(s) failed; reproduce the random choices with "
                    + "-Dbollwerk.race.seed=" + seed + ": " + first.getMessage(), first);
            failures.stream().skip(1).limit(5).forEach(error::addSuppressed);
            throw error;
        }
    }
}

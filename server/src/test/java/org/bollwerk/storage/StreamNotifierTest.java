package org.bollwerk.storage;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Races on the notifier that carries delivery: a waiter that registered before its key advanced must be
 * woken, whatever other waiters of the same key register and close meanwhile (ADR 0001; /sync parks here).
 */
class StreamNotifierTest {
    private static final List<WakeKey> KEYS = List.of(WakeKey.room("!a:localhost"), WakeKey.room("!b:localhost"),
            WakeKey.user("@c:localhost"));

    private final StreamNotifier notifier = new StreamNotifier();
    private final AtomicLong positions = new AtomicLong();

    @Test
    void aWaiterIsWokenByAnAdvanceOfItsKeyWhileOthersRegisterAndCloseOnTheSameKey() throws InterruptedException {
        RaceRun race = new RaceRun();
        int iterations = RaceRun.iterations(20_000);
        race.run(6, (thread, random) -> {
            for (int i = 0; i < iterations; i++) {
                List<WakeKey> keys = someKeys(random);
                try (StreamNotifier.Waiter waiter = notifier.register(keys)) {
                    if (random.nextInt(3) == 0) continue;  // churn: register and leave at once
                    WakeKey advanced = keys.get(random.nextInt(keys.size()));
                    notifier.advance(positions.incrementAndGet(), List.of(advanced));
                    if (!waiter.await(Duration.ZERO)) {
                        throw new AssertionError("waiter on " + keys + " was not woken by an advance of " + advanced
                                + " (thread " + thread + ", iteration " + i + ")");
                    }
                }
            }
        });
        assertThat(notifier.waitingCount()).as("closed waiters leave nothing behind").isZero();
    }

    @Test
    void anAdvanceFromAnotherThreadWakesEveryWaiterThatRegisteredBeforeItStarted() throws InterruptedException {
        RaceRun race = new RaceRun();
        int iterations = RaceRun.iterations(3_000);
        AtomicLongArray started = new AtomicLongArray(KEYS.size());
        AtomicLongArray completed = new AtomicLongArray(KEYS.size());
        AtomicBoolean waitersDone = new AtomicBoolean();
        Thread advancer = Thread.ofPlatform().name("race-advancer").start(() -> {
            java.util.Random random = new java.util.Random(race.seed());
            while (!waitersDone.get()) {
                int k = random.nextInt(KEYS.size());
                started.incrementAndGet(k);
                notifier.advance(positions.incrementAndGet(), List.of(KEYS.get(k)));
                completed.incrementAndGet(k);
                Thread.yield();
            }
        });
        try {
            race.run(5, (thread, random) -> {
                for (int i = 0; i < iterations; i++) {
                    List<WakeKey> keys = someKeys(random);
                    try (StreamNotifier.Waiter waiter = notifier.register(keys)) {
                        if (thread == 0) continue;  // one thread only churns the keys' waiter sets
                        int k = KEYS.indexOf(keys.get(random.nextInt(keys.size())));
                        long before = started.get(k);  // read after registering: advance number before+1 started later
                        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                        while (completed.get(k) <= before) {
                            if (System.nanoTime() > deadline) throw new AssertionError("the advancer stalled");
                            Thread.yield();
                        }
                        if (!waiter.await(Duration.ZERO)) {
                            throw new AssertionError("waiter on " + keys + " missed advance " + (before + 1) + " of "
                                    + KEYS.get(k) + " (thread " + thread + ", iteration " + i + ")");
                        }
                    }
                }
            });
        } finally {
            waitersDone.set(true);
            advancer.join();
        }
        assertThat(notifier.waitingCount()).isZero();
    }

    @Test
    void shutdownWakesWaitersThatRegisterAfterIt() {
        notifier.shutdown();
        try (StreamNotifier.Waiter waiter = notifier.register(List.of(KEYS.get(0)))) {
            assertThat(waiter.await(Duration.ZERO)).isTrue();
        }
    }

    @Test
    void aKeyOfAnotherKindOrIdDoesNotWakeTheWaiter() {
        try (StreamNotifier.Waiter waiter = notifier.register(List.of(WakeKey.room("@c:localhost")))) {
            notifier.advance(1, List.of(WakeKey.user("@c:localhost"), WakeKey.room("!other:localhost")));
            assertThat(waiter.await(Duration.ZERO)).isFalse();
            assertThat(notifier.current()).isEqualTo(1);
        }
    }

    @Test
    void wakeKeysTravelBetweenNodesInTheirStringForm() {
        WakeKey room = WakeKey.room("!r:localhost");
        WakeKey user = WakeKey.user("@u:localhost");
        assertThat(room.wire()).isEqualTo("room:!r:localhost");
        assertThat(user.wire()).isEqualTo("user:@u:localhost");
        assertThat(WakeKey.parse(room.wire())).isEqualTo(room);
        assertThat(WakeKey.parse(user.wire())).isEqualTo(user);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WakeKey.parse("rooms:!r:localhost"))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WakeKey.room(""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<WakeKey> someKeys(java.util.Random random) {
        List<WakeKey> keys = new ArrayList<>();
        for (WakeKey key : KEYS) if (random.nextBoolean()) keys.add(key);
        if (keys.isEmpty()) keys.add(KEYS.get(random.nextInt(KEYS.size())));
        return keys;
    }
}

package org.bollwerk.cluster;

import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.storage.Db;
import org.bollwerk.storage.Dialect;
import org.bollwerk.storage.StreamNotifier;
import org.bollwerk.storage.WakeKey;
import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cluster module against the real database: health probes, job leases (both databases) and, on
 * PostgreSQL, a second node's bus on the same schema — messages, wake-ups whose position is read back
 * from the database, and a listen connection that is cut and comes back.
 */
@TestPropertySource(properties = "bollwerk.node-id=cluster-it-node")
class ClusterIT extends ClientApiTestBase {
    @Autowired
    Db db;
    @Autowired
    StreamNotifier notifier;
    @Autowired
    ClusterBus bus;
    @Autowired
    JobLease lease;
    @Autowired
    BollwerkProperties props;
    @Autowired
    org.bollwerk.ephemeral.TypingService typing;

    @Test
    void livenessAndReadinessAnswer() {
        MatrixHttp.Response live = http.send("GET", "/_bollwerk/health/live", null, null);
        assertThat(live.status()).isEqualTo(200);
        MatrixHttp.Response ready = http.send("GET", "/_bollwerk/health/ready", null, null);
        assertThat(ready.status()).as(ready.text()).isEqualTo(200);
        assertThat(ready.json().get("node").asString()).isEqualTo("cluster-it-node");
    }

    @Test
    void aJobRunsOnOneNodeAtATimeAndAnotherTakesOverAfterExpiry() throws Exception {
        JobLease other = new JobLease(db, new NodeId("other-node"));
        String job = "test-job-" + System.nanoTime();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Thread first = Thread.ofVirtual().start(() -> lease.runExclusively(job, Duration.ofSeconds(2), () -> {
            running.countDown();
            await(finish);
        }));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(2500);  // past the time-to-live: only renewal keeps the lease
        assertThat(lease.holder(job)).isEqualTo("cluster-it-node");
        assertThat(other.runExclusively(job, Duration.ofSeconds(2), () -> { })).isFalse();
        finish.countDown();
        first.join();
        boolean[] ran = {false};
        assertThat(other.runExclusively(job, Duration.ofSeconds(2), () -> ran[0] = true)).isTrue();
        assertThat(ran[0]).isTrue();

        // A holder that dies (takes the lease, never renews nor releases): the next node takes over after expiry.
        assertThat(other.tryAcquire(job, Duration.ofSeconds(1))).isTrue();
        assertThat(lease.runExclusively(job, Duration.ofSeconds(2), () -> { })).isFalse();
        Thread.sleep(1200);
        assertThat(lease.runExclusively(job, Duration.ofSeconds(2), () -> { })).isTrue();
    }

    @Test
    void anotherNodesMessagesAndWakeupsArrive() throws Exception {
        assumeTrue(db.dialect() == Dialect.POSTGRESQL, "cross-node messages need PostgreSQL (SQLite is one node)");
        ClusterBus peer = new ClusterBus(db, new NodeId("peer-node"), props);
        try {
            List<String> got = new CopyOnWriteArrayList<>();
            peer.subscribe("test", got::addAll);
            awaitListening(peer);
            bus.publish("test", "hello from here");
            awaitTrue(() -> got.contains("hello from here"));

            // Another node commits a position and announces it with a wrong one: the watermark follows the database.
            long committed = db.sql().sql("UPDATE stream_counter SET position = position + 1 WHERE id = 1 RETURNING position")
                    .query(Long.class).single();
            assertThat(notifier.current()).isLessThan(committed);
            try (StreamNotifier.Waiter waiter = notifier.register(List.of(WakeKey.room("!cluster-it")))) {
                peer.publish(CrossNodeWakeups.TOPIC, CrossNodeWakeups.payload(committed + 1_000_000, List.of(WakeKey.room("!cluster-it"))));
                assertThat(waiter.await(Duration.ofSeconds(10))).isTrue();
            }
            long inDatabase = db.sql().sql("SELECT position FROM stream_counter WHERE id = 1").query(Long.class).single();
            assertThat(notifier.current()).isEqualTo(inDatabase).isLessThan(committed + 1_000_000);

            // A figure for ADR 0006: NOTIFY round trips between two connections of one database.
            List<Long> arrivals = new CopyOnWriteArrayList<>();
            peer.subscribe("bench", bodies -> bodies.forEach(b -> arrivals.add(System.nanoTime())));
            int count = 500;
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) bus.publish("bench", Long.toString(System.nanoTime()));
            long sent = System.nanoTime();
            awaitTrue(() -> arrivals.size() == count);
            System.out.printf("NOTIFY: %d messages sent in %.0f ms (%.0f/s, one at a time), all received %.0f ms after the last send%n",
                    count, (sent - t0) / 1e6, count / ((sent - t0) / 1e9), (arrivals.get(count - 1) - sent) / 1e6);

            // Typing set on another node shows here, and its waiters wake.
            try (StreamNotifier.Waiter waiter = notifier.register(List.of(WakeKey.room("!typing-it:localhost")))) {
                peer.publish("typing", "!typing-it:localhost\n@typist:localhost\ntrue\n30000");
                assertThat(waiter.await(Duration.ofSeconds(10))).isTrue();
            }
            assertThat(typing.typing("!typing-it:localhost")).containsExactly("@typist:localhost");

            // The listening connection is cut: it comes back and wake-ups flow again.
            Integer before = listenerPid();
            assertThat(before).isNotNull();
            db.sql().sql("SELECT pg_terminate_backend(?)").param(before).query().listOfRows();
            awaitTrue(() -> {
                Integer now = listenerPid();
                return now != null && !now.equals(before) && bus.isListening();
            });
            try (StreamNotifier.Waiter waiter = notifier.register(List.of(WakeKey.user("@cluster-it:localhost")))) {
                peer.publish(CrossNodeWakeups.TOPIC, CrossNodeWakeups.payload(0, List.of(WakeKey.user("@cluster-it:localhost"))));
                assertThat(waiter.await(Duration.ofSeconds(15))).isTrue();
            }
        } finally {
            peer.destroy();
        }
    }

    @Test
    void tooManyKeysBecomeWakeAll() {
        List<WakeKey> keys = java.util.stream.IntStream.range(0, 2000).mapToObj(i -> WakeKey.room("!room" + i + ":localhost")).toList();
        assertThat(CrossNodeWakeups.payload(42, keys)).isEqualTo("42\n*");
        assertThat(CrossNodeWakeups.payload(42, List.of(WakeKey.room("!a:b"), WakeKey.user("@c:d")))).isEqualTo("42\nroom:!a:b\nuser:@c:d");
    }

    private Integer listenerPid() {
        return db.sql().sql("SELECT max(pid) FROM pg_stat_activity WHERE application_name = ?")
                .param(ClusterBus.applicationName("cluster-it-node")).query(Integer.class).list().stream().filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    private static void awaitListening(ClusterBus bus) throws InterruptedException {
        awaitTrue(bus::isListening);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 15 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.bollwerk.bench;

import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scenario 1, the workload of the public homeserver comparison: one {@code private_chat} room, a warm-up,
 * then N messages sent one after another, then N messages from C concurrent senders. By default the
 * concurrent senders are one user (one access token) with distinct transaction IDs, as in the public
 * comparison; {@code manyUsers} makes them C different members of the room instead.
 */
final class SendScenario {

    private final MatrixClient owner;
    private final List<MatrixClient> otherSenders;  // empty = one user
    private final int warmup;
    private final int messages;
    private final int concurrency;
    private final String runTag;
    private final Long serverPid;

    SendScenario(MatrixClient owner, List<MatrixClient> otherSenders, int warmup, int messages, int concurrency,
                 String runTag, Long serverPid) {
        this.serverPid = serverPid;
        this.owner = owner;
        this.otherSenders = otherSenders;
        this.warmup = warmup;
        this.messages = messages;
        this.concurrency = concurrency;
        this.runTag = runTag;
    }

    /** One repeat in a fresh room. */
    ObjectNode runOnce(int repeat) throws Exception {
        String[] invite = otherSenders.stream().map(MatrixClient::userId).toArray(String[]::new);
        String room = owner.createRoom("private_chat", invite);
        for (MatrixClient c : otherSenders) {
            c.join(room);
        }
        String prefix = runTag + "-r" + repeat + "-";
        ObjectNode out = MatrixClient.JSON.createObjectNode();
        out.put("room_id", room);

        Phase warm = sequential(room, prefix + "w", warmup);
        out.set("warmup", warm.toJson());
        Phase seq = sequential(room, prefix + "s", messages);
        out.set("sequential", seq.toJson());
        Phase conc = concurrent(room, prefix + "c", messages);
        out.set("concurrent", conc.toJson());
        return out;
    }

    private Phase sequential(String room, String txnPrefix, int n) {
        long[] lat = new long[n];
        int errors = 0;
        String firstError = null;
        long[] cpu0 = cpu();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            MatrixClient.Response r = owner.sendText(room, txnPrefix + i, "bench message " + txnPrefix + i);
            lat[i] = System.nanoTime() - t0;
            if (!r.ok()) {
                errors++;
                if (firstError == null) {
                    firstError = r.status() + " " + r.body();
                }
            }
        }
        long elapsed = System.nanoTime() - start;
        return new Phase(n, 1, elapsed, lat, errors, firstError, cpuDelta(cpu0));
    }

    private Phase concurrent(String room, String txnPrefix, int n) throws Exception {
        long[] lat = new long[n];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Future<?>> futures = new ArrayList<>();
        long start;
        long[] cpu0 = cpu();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            start = System.nanoTime();
            for (int s = 0; s < concurrency; s++) {
                MatrixClient sender = otherSenders.isEmpty() ? owner : otherSenders.get(s % otherSenders.size());
                futures.add(ex.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        long t0 = System.nanoTime();
                        MatrixClient.Response r = sender.sendText(room, txnPrefix + i, "bench message " + txnPrefix + i);
                        lat[i] = System.nanoTime() - t0;
                        if (!r.ok()) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, r.status() + " " + r.body());
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        long elapsed = System.nanoTime() - start;
        return new Phase(n, concurrency, elapsed, lat, errors.get(), firstError.get(), cpuDelta(cpu0));
    }

    /** {server CPU ns, load generator CPU ns} so far. */
    private long[] cpu() {
        return new long[] {Bench.ProcStatus.cpuNanos(serverPid), Bench.ProcStatus.selfCpuNanos()};
    }

    private long[] cpuDelta(long[] before) {
        long[] now = cpu();
        return new long[] {before[0] < 0 ? -1 : now[0] - before[0], before[1] < 0 ? -1 : now[1] - before[1]};
    }

    record Phase(int messages, int senders, long elapsedNanos, long[] latencies, int errors, String firstError,
                 long[] cpuNanos) {
        double msgPerSecond() {
            return messages / (elapsedNanos / 1e9);
        }

        ObjectNode toJson() {
            ObjectNode o = MatrixClient.JSON.createObjectNode();
            o.put("messages", messages);
            o.put("senders", senders);
            o.put("seconds", Stats.round(elapsedNanos / 1e9, 4));
            o.put("msg_per_s", Stats.round(msgPerSecond(), 1));
            o.put("p50_ms", Stats.percentileMs(latencies, 50));
            o.put("p99_ms", Stats.percentileMs(latencies, 99));
            o.put("max_ms", Stats.percentileMs(latencies, 100));
            o.put("errors", errors);
            if (cpuNanos[0] >= 0) {
                // CPU busy share of the 2 (or nproc) cores, and CPU cost per message, of the server process
                o.put("server_cpu_ms_per_msg", Stats.round(cpuNanos[0] / 1e6 / messages, 3));
                o.put("server_cpu_cores", Stats.round((double) cpuNanos[0] / elapsedNanos, 2));
            }
            if (cpuNanos[1] >= 0) {
                o.put("loadgen_cpu_ms_per_msg", Stats.round(cpuNanos[1] / 1e6 / messages, 3));
                o.put("loadgen_cpu_cores", Stats.round((double) cpuNanos[1] / elapsedNanos, 2));
            }
            if (firstError != null) {
                o.put("first_error", firstError);
            }
            return o;
        }
    }
}

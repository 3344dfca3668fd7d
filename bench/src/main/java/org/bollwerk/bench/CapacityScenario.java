package org.bollwerk.bench;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scenario 3, capacity (and scenario 6, footprint with active users): active clients, each syncing and sending
 * one message every {@code periodSeconds} into its account's small room (first send at a random moment of its
 * first period, so a step's send rate is even). Steps add {@code stepUsers} clients; each step is measured for
 * {@code stepSeconds} right after its clients are ready. The ramp stops after the first step whose send p95 or
 * delivery p99 is over the limit, or at {@code maxUsers}. With more clients than accounts, clients share
 * accounts round-robin (several syncing devices on one access token): every login costs an Argon2id hash.
 */
final class CapacityScenario {

    private final Traffic traffic;
    private final int stepUsers;
    private final int maxUsers;
    private final int stepSeconds;
    private final int periodSeconds;
    private final double sendP95LimitMs;
    private final double deliveryP99LimitMs;
    private final long syncTimeoutMs;

    CapacityScenario(Traffic traffic, int stepUsers, int maxUsers, int stepSeconds, int periodSeconds,
                     double sendP95LimitMs, double deliveryP99LimitMs, long syncTimeoutMs) {
        this.traffic = traffic;
        this.stepUsers = stepUsers;
        this.maxUsers = maxUsers;
        this.stepSeconds = stepSeconds;
        this.periodSeconds = periodSeconds;
        this.sendP95LimitMs = sendP95LimitMs;
        this.deliveryP99LimitMs = deliveryP99LimitMs;
        this.syncTimeoutMs = syncTimeoutMs;
    }

    ObjectNode run(String tag, Long serverPid) throws Exception {
        ObjectNode out = MatrixClient.JSON.createObjectNode();
        out.put("step_users", stepUsers);
        out.put("max_users", maxUsers);
        out.put("step_seconds", stepSeconds);
        out.put("send_period_seconds", periodSeconds);
        out.put("accounts", traffic.accounts.size());
        out.put("send_p95_limit_ms", sendP95LimitMs);
        out.put("delivery_p99_limit_ms", deliveryP99LimitMs);
        ArrayNode steps = out.putArray("steps");
        int steps0 = (maxUsers + stepUsers - 1) / stepUsers;
        long capacity = 0;
        for (int k = 1; k <= steps0; k++) {
            capacity += (long) Math.min(k * stepUsers, maxUsers) * (stepSeconds / periodSeconds + 2);
        }
        int passed = 0;
        AtomicBoolean sending = new AtomicBoolean(true);
        SplittableRandom rnd = new SplittableRandom(42);
        List<Thread> senders = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Session s = traffic.session(tag, (int) Math.min(Integer.MAX_VALUE - 8, capacity + 1000), syncTimeoutMs)) {
            int clients = 0;
            while (clients < maxUsers) {
                int target = Math.min(clients + stepUsers, maxUsers);
                long rampStart = System.nanoTime();
                List<Callable<Void>> starts = new ArrayList<>();
                for (int c = clients; c < target; c++) {
                    int account = c % traffic.accounts.size();
                    long offsetMs = (long) (rnd.nextDouble() * periodSeconds * 1000);
                    starts.add(() -> {
                        s.startClient(account);
                        senders.add(Thread.ofVirtual().start(() -> sendLoop(s, account, offsetMs, sending)));
                        return null;
                    });
                }
                Traffic.parallel(starts, 32);
                clients = target;
                long from = System.nanoTime();
                long cpu0 = Bench.ProcStatus.cpuNanos(serverPid);
                Thread.sleep(stepSeconds * 1000L);
                long to = System.nanoTime();
                long cpu = Bench.ProcStatus.cpuNanos(serverPid) - cpu0;
                long[] snd = s.sends.between(from, to);
                long[] del = s.deliveries.between(from, to);
                ObjectNode st = steps.addObject();
                st.put("clients", clients);
                st.put("ramp_in_seconds", Stats.round((from - rampStart) / 1e9, 1));
                st.put("sends", snd.length);
                st.put("msg_per_s", Stats.round(snd.length / ((to - from) / 1e9), 1));
                st.put("send_p50_ms", Stats.percentileMs(snd, 50));
                st.put("send_p95_ms", Stats.percentileMs(snd, 95));
                st.put("deliveries", del.length);
                st.put("delivery_p50_ms", Stats.percentileMs(del, 50));
                st.put("delivery_p99_ms", Stats.percentileMs(del, 99));
                st.put("send_errors_so_far", s.sendErrors.get());
                st.put("sync_errors_so_far", s.syncErrors.get());
                if (serverPid != null) {
                    st.put("server_rss_kib", Bench.ProcStatus.kib(serverPid, "VmRSS"));
                    st.put("server_cpu_cores", Stats.round((double) cpu / (to - from), 2));
                }
                boolean ok = snd.length > 0 && Stats.percentileMs(snd, 95) <= sendP95LimitMs
                        && (del.length == 0 || Stats.percentileMs(del, 99) <= deliveryP99LimitMs);
                st.put("within_limits", ok);
                System.err.printf("bench: capacity %d clients: %.0f msg/s, send p95 %.1f ms, delivery p99 %.1f ms%s%n",
                        clients, snd.length / ((to - from) / 1e9), Stats.percentileMs(snd, 95),
                        Stats.percentileMs(del, 99), ok ? "" : " — over the limit, stop");
                if (!ok) {
                    break;
                }
                passed = clients;
            }
            sending.set(false);
            for (Thread t : senders) {
                t.interrupt();
            }
            s.drain(1_000, 5_000);
            s.close();
            ObjectNode total = s.summary(1);
            total.remove("seconds");
            total.remove("msg_per_s");
            out.set("totals", total);
        }
        out.put("max_clients_within_limits", passed);
        out.put("stopped_by", passed >= maxUsers ? "max_users" : "limits");
        return out;
    }

    private void sendLoop(Session s, int account, long offsetMs, AtomicBoolean sending) {
        long next = System.nanoTime() + offsetMs * 1_000_000L;
        int room = -1;
        try {
            while (sending.get()) {
                Traffic.sleepUntil(next);
                if (!sending.get()) {
                    return;
                }
                if (room < 0) {
                    room = traffic.smallRoomOf[account];
                }
                s.send(account, room);
                next += periodSeconds * 1_000_000_000L;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.bollwerk.bench;

import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Scenario 2, delivery: every account syncs (one long-poll client each); messages go out at a fixed rate,
 * each into a room picked by the 80/20 mix — {@code allPerSecond} into the room with everybody,
 * {@code largeShare} of the rest into one of the large rooms, the others into the 2–3 member rooms — sent by a
 * random member. Each send runs in its own virtual thread, so a slow answer does not slow the schedule.
 */
final class DeliveryScenario {

    private final Traffic traffic;
    private final double rate;
    private final double allPerSecond;
    private final double largeShare;
    private final int seconds;
    private final long syncTimeoutMs;

    DeliveryScenario(Traffic traffic, double rate, double allPerSecond, double largeShare, int seconds, long syncTimeoutMs) {
        this.traffic = traffic;
        this.rate = rate;
        this.allPerSecond = allPerSecond;
        this.largeShare = largeShare;
        this.seconds = seconds;
        this.syncTimeoutMs = syncTimeoutMs;
    }

    private int repeat;

    ObjectNode runOnce(String tag, Long serverPid) throws Exception {
        List<Integer> small = new ArrayList<>();
        List<Integer> large = new ArrayList<>();
        int all = -1;
        for (int r = 0; r < traffic.rooms.size(); r++) {
            switch (traffic.rooms.get(r).kind()) {
                case SMALL -> small.add(r);
                case LARGE -> large.add(r);
                case ALL -> all = r;
            }
        }
        int total = (int) Math.ceil(rate * seconds);
        // The same message schedule in every run (one per repeat): each message into the room with everybody is
        // ~1,000 deliveries, so a random schedule made runs of one build differ by 20 % in work.
        SplittableRandom rnd = new SplittableRandom(1_000_003L * ++repeat);
        try (Session s = traffic.session(tag, total + 10, syncTimeoutMs)) {
            Traffic.parallel(java.util.stream.IntStream.range(0, traffic.accounts.size())
                    .<java.util.concurrent.Callable<Void>>mapToObj(a -> () -> {
                        s.startClient(a);
                        return null;
                    }).toList(), 32);
            Thread.sleep(1_000);  // the first long-polls reach the server and park
            long cpu0 = Bench.ProcStatus.cpuNanos(serverPid);
            long responses0 = s.syncResponses.get();
            long self0 = Bench.ProcStatus.selfCpuNanos();
            long start = System.nanoTime();
            double pAll = allPerSecond / rate;
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int k = 0; k < total; k++) {
                    Traffic.sleepUntil(start + (long) (k * 1e9 / rate));
                    double x = rnd.nextDouble();
                    int room;
                    if (x < pAll) {
                        room = all;
                    } else if (!large.isEmpty() && x < pAll + largeShare * (1 - pAll)) {
                        room = large.get(rnd.nextInt(large.size()));
                    } else {
                        room = small.get(rnd.nextInt(small.size()));
                    }
                    int[] members = traffic.rooms.get(room).members();
                    int sender = members[rnd.nextInt(members.length)];
                    ex.submit(() -> s.send(sender, room));
                }
            }
            long sendingNanos = System.nanoTime() - start;
            s.drain(2_000, 15_000);
            long cpu = Bench.ProcStatus.cpuNanos(serverPid) - cpu0;
            long self = Bench.ProcStatus.selfCpuNanos() - self0;
            long responses = s.syncResponses.get() - responses0;
            s.close();
            ObjectNode o = s.summary(sendingNanos);
            o.put("target_msg_per_s", rate);
            o.put("schedule_seconds", seconds);
            o.put("all_room_msg_per_s", allPerSecond);
            o.put("large_room_share", largeShare);
            if (cpu0 >= 0) {
                o.put("server_cpu_cores", Stats.round((double) cpu / (System.nanoTime() - start), 2));
                // All of the server's CPU (sends, commits, GC, JIT included) per sync response: an upper bound
                // of what one woken long-poll costs, the figure that decides how fast a large room fans out.
                if (responses > 0) o.put("server_cpu_ms_per_sync_response", Stats.round(cpu / 1e6 / responses, 3));
            }
            o.put("sync_responses", responses);
            o.put("loadgen_cpu_cores", Stats.round((double) self / (System.nanoTime() - start), 2));
            return o;
        }
    }
}

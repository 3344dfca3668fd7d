package org.bollwerk.bench;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Set;

/** Runs the many-user scenarios (2 delivery, 3 capacity, 4 idle, 5 sync, 6 footprint) named in --scenarios. */
final class MultiUser {

    private MultiUser() {
    }

    static void run(Bench.Args a, Set<String> scenarios, ObjectNode result, HttpClient http, String baseUrl,
                    String runTag, Long pid, int repeats) throws Exception {
        boolean population = scenarios.contains("delivery") || scenarios.contains("capacity")
                || scenarios.contains("footprint");
        if (!population && !scenarios.contains("idle") && !scenarios.contains("sync")) {
            return;
        }
        MatrixClient admin = new MatrixClient(http, baseUrl).login(a.require("admin-user"), a.require("admin-password"));
        long syncTimeout = a.getInt("sync-timeout", 30_000);
        if (population) {
            boolean onlyFootprint = !scenarios.contains("delivery") && !scenarios.contains("capacity");
            int n = a.getInt("accounts", onlyFootprint ? 500 : 1000);
            List<MatrixClient> accounts = Accounts.create(admin, http, baseUrl, n, runTag, a.getInt("setup-parallel", 6));
            List<RoomLayout.Room> layout = RoomLayout.build(n, a.getInt("large-rooms", 5), a.getInt("large-size", 50), 6);
            Traffic traffic = Traffic.setUp(accounts, layout, a.getInt("setup-parallel", 6) * 2);
            if (scenarios.contains("delivery")) {
                DeliveryScenario d = new DeliveryScenario(traffic, a.getDouble("delivery-rate", 200),
                        a.getDouble("all-room-rate", 0.5), a.getDouble("large-share", 0.1),
                        a.getInt("delivery-seconds", 30), syncTimeout);
                ObjectNode del = result.putObject("delivery");
                del.put("accounts", n);
                del.put("rooms", layout.size());
                del.put("large_rooms", a.getInt("large-rooms", 5));
                del.put("large_size", a.getInt("large-size", 50));
                ArrayNode reps = del.putArray("repeats");
                for (int r = 0; r < repeats; r++) {
                    ObjectNode rep = d.runOnce(runTag + "d" + r, pid);
                    reps.add(rep);
                    System.err.printf("bench: delivery repeat %d: %s msg/s, delivery p50 %s ms, p99 %s ms, "
                                    + "send p99 %s ms, %s deliveries, lost %s, duplicated %s%n", r + 1,
                            rep.path("msg_per_s"), rep.path("delivery_p50_ms"), rep.path("delivery_p99_ms"),
                            rep.path("send_p99_ms"), rep.path("deliveries_seen"), rep.path("lost"),
                            rep.path("duplicated"));
                }
                del.set("median", Bench.medians(reps, List.of(""), List.of("msg_per_s", "delivery_p50_ms",
                        "delivery_p99_ms", "delivery_max_ms", "send_p50_ms", "send_p99_ms", "server_cpu_cores",
                        "loadgen_cpu_cores", "deliveries_seen", "sync_responses", "server_cpu_ms_per_sync_response"), List.of("lost", "duplicated", "deliveries_expected",
                        "send_errors", "sync_errors", "limited_timelines", "unexpected")));
            }
            if (scenarios.contains("capacity") || scenarios.contains("footprint")) {
                boolean full = scenarios.contains("capacity");
                int step = a.getInt("capacity-step", 500);
                CapacityScenario c = new CapacityScenario(traffic, step, full ? a.getInt("capacity-max", 5000) : step,
                        a.getInt("capacity-step-seconds", 30), a.getInt("capacity-period", 30),
                        a.getDouble("send-p95-limit-ms", 200), a.getDouble("delivery-p99-limit-ms", 1000), syncTimeout);
                result.set(full ? "capacity" : "footprint", c.run(runTag + "c", pid));
            }
        }
        if (scenarios.contains("idle")) {
            int accounts = a.getInt("idle-accounts", 50);
            List<MatrixClient> users = Accounts.create(admin, http, baseUrl, accounts, runTag + "i", 4);
            int port = URI.create(baseUrl).getPort();
            IdleScenario idle = new IdleScenario(users, a.getInt("idle-connections", 20_000), a.getInt("idle-hosts", 4),
                    a.getInt("idle-open-rate", 500), a.getInt("idle-timeout", 300_000), port);
            ObjectNode o = idle.run(pid);
            o.put("server_max_connections", a.get("server-max-connections", "default"));
            result.set("idle", o);
        }
        if (scenarios.contains("sync")) {
            int[] rooms = java.util.Arrays.stream(a.get("sync-rooms", "10,100,1000").split(","))
                    .mapToInt(Integer::parseInt).toArray();
            InitialSyncScenario s = new InitialSyncScenario(admin, http, baseUrl, rooms, a.getInt("sync-full-rooms", 100),
                    a.getInt("sync-events", 1000), a.getInt("sync-other-events", 10), a.getInt("sync-gap", 10_000),
                    Math.max(3, repeats));
            result.set("sync", s.run(runTag));
        }
    }
}

package org.bollwerk.bench;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scenario 5, initial and gappy sync. Three users: one in 10 rooms, one in 100, one in 1,000 (the last creates
 * all rooms and sends every event; the others join the first 10 / 100). The first {@code bigRooms} rooms get
 * {@code eventsPerBigRoom} messages each through the API, the remaining rooms {@code eventsPerSmallRoom} (seeding
 * a million events through the API would take too long: the 1,000-room user has 100 full rooms and 900 short
 * ones). Measured per user: the initial sync (no filter, no since: what a new client does; server default
 * timeline limit), then — after {@code gap} more messages spread over the first 100 rooms — the incremental sync
 * from the token taken before the gap. Each timing is repeated; medians reported.
 */
final class InitialSyncScenario {

    private final MatrixClient admin;
    private final java.net.http.HttpClient http;
    private final String baseUrl;
    private final int[] roomCounts;
    private final int bigRooms;
    private final int eventsPerBigRoom;
    private final int eventsPerSmallRoom;
    private final int gap;
    private final int repeats;

    InitialSyncScenario(MatrixClient admin, java.net.http.HttpClient http, String baseUrl, int[] roomCounts,
                        int bigRooms, int eventsPerBigRoom, int eventsPerSmallRoom, int gap, int repeats) {
        this.admin = admin;
        this.http = http;
        this.baseUrl = baseUrl;
        this.roomCounts = roomCounts;
        this.bigRooms = bigRooms;
        this.eventsPerBigRoom = eventsPerBigRoom;
        this.eventsPerSmallRoom = eventsPerSmallRoom;
        this.gap = gap;
        this.repeats = repeats;
    }

    ObjectNode run(String tag) throws Exception {
        ObjectNode o = MatrixClient.JSON.createObjectNode();
        int maxRooms = roomCounts[roomCounts.length - 1];
        List<MatrixClient> users = Accounts.create(admin, http, baseUrl, roomCounts.length, "s" + tag, 4);
        MatrixClient owner = users.get(users.size() - 1);
        long t0 = System.nanoTime();
        String[] rooms = new String[maxRooms];
        List<Callable<Void>> creates = new ArrayList<>();
        for (int r = 0; r < maxRooms; r++) {
            int k = r;
            creates.add(() -> {
                rooms[k] = owner.createRoom("public_chat");
                return null;
            });
        }
        Traffic.parallel(creates, 8);
        List<Callable<Void>> joins = new ArrayList<>();
        for (int u = 0; u < users.size() - 1; u++) {
            MatrixClient user = users.get(u);
            for (int r = 0; r < roomCounts[u]; r++) {
                String room = rooms[r];
                joins.add(() -> {
                    user.join(room);
                    return null;
                });
            }
        }
        Traffic.parallel(joins, 8);
        long events = 0;
        for (int r = 0; r < maxRooms; r++) {
            events += r < bigRooms ? eventsPerBigRoom : eventsPerSmallRoom;
        }
        AtomicInteger failures = new AtomicInteger();
        seed(owner, rooms, r -> r < bigRooms ? eventsPerBigRoom : eventsPerSmallRoom, "seed", failures);
        double seedSeconds = (System.nanoTime() - t0) / 1e9;
        o.put("rooms_with_full_history", bigRooms);
        o.put("events_per_full_room", eventsPerBigRoom);
        o.put("events_per_other_room", eventsPerSmallRoom);
        o.put("events_seeded", events);
        o.put("seed_seconds", Stats.round(seedSeconds, 1));
        o.put("seed_msg_per_s", Stats.round(events / seedSeconds, 0));
        System.err.printf("bench: sync: %d rooms, %d events seeded in %.0f s%n", maxRooms, events, seedSeconds);

        ArrayNode perUser = o.putArray("users");
        String[] tokens = new String[users.size()];
        for (int u = 0; u < users.size(); u++) {
            ObjectNode pu = perUser.addObject();
            pu.put("rooms", roomCounts[u]);
            long[] times = new long[repeats];
            long bytes = 0;
            for (int k = 0; k < repeats; k++) {
                long s0 = System.nanoTime();
                MatrixClient.RawResponse r = users.get(u).syncRaw(null, 0, null);
                times[k] = r.receivedNanos() - s0;
                if (!r.ok()) {
                    failures.incrementAndGet();
                }
                bytes = r.body().length;
                tokens[u] = SyncParser.parse(r.body(), "\u0000").nextBatch();
            }
            pu.put("initial_first_ms", Stats.round(times[0] / 1e6, 1));
            pu.put("initial_median_ms", Stats.percentileMs(times, 50));
            pu.put("initial_bytes", bytes);
            System.err.printf("bench: sync: %d rooms: initial %.0f ms (first %.0f ms), %d KiB%n", roomCounts[u],
                    Stats.percentileMs(times, 50), times[0] / 1e6, bytes / 1024);
        }
        int gapRooms = Math.min(100, maxRooms);
        int perRoom = Math.max(1, gap / gapRooms);
        seed(owner, java.util.Arrays.copyOf(rooms, gapRooms), r -> perRoom, "gap", failures);
        o.put("gap_events", perRoom * gapRooms);
        o.put("gap_rooms", gapRooms);
        for (int u = 0; u < users.size(); u++) {
            ObjectNode pu = (ObjectNode) perUser.get(u);
            long[] times = new long[repeats];
            long bytes = 0;
            for (int k = 0; k < repeats; k++) {
                long s0 = System.nanoTime();
                MatrixClient.RawResponse r = users.get(u).syncRaw(tokens[u], 0, null);
                times[k] = r.receivedNanos() - s0;
                if (!r.ok()) {
                    failures.incrementAndGet();
                }
                bytes = r.body().length;
            }
            pu.put("gappy_first_ms", Stats.round(times[0] / 1e6, 1));
            pu.put("gappy_median_ms", Stats.percentileMs(times, 50));
            pu.put("gappy_bytes", bytes);
            System.err.printf("bench: sync: %d rooms: after a gap of %d events: %.0f ms, %d KiB%n", roomCounts[u],
                    perRoom * gapRooms, Stats.percentileMs(times, 50), bytes / 1024);
        }
        o.put("repeats", repeats);
        o.put("failures", failures.get());
        return o;
    }

    /** Sends the messages through the API, ten rooms at a time (each room's messages in order). */
    private static void seed(MatrixClient owner, String[] rooms, java.util.function.IntUnaryOperator count, String what,
                             AtomicInteger failures) throws Exception {
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int r = 0; r < rooms.length; r++) {
            int k = r;
            tasks.add(() -> {
                int n = count.applyAsInt(k);
                for (int i = 0; i < n; i++) {
                    MatrixClient.RawResponse resp = owner.sendPlainText(rooms[k], what + "-" + k + "-" + i,
                            "message " + i + " of the history of room " + k + ", about as long as a short chat line");
                    if (!resp.ok()) {
                        failures.incrementAndGet();
                    }
                }
                return null;
            });
        }
        Traffic.parallel(tasks, 10);
    }
}

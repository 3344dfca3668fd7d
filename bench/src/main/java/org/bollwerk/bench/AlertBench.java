package org.bollwerk.bench;

import tools.jackson.databind.JsonNode;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * An alert to many members (issue 22): creates RECIPIENTS accounts in the default tenant (without passwords,
 * so no Argon2 cost; WATCHERS of them with passwords, logged in and long-polling /sync), then sends alerts to the
 * whole tenant through the admin API. Measures per alert: the admin call (201 once the alert is in the room;
 * the first alert also joins every recipient to the alert room) and the time until the last watcher's /sync
 * has the alert. Alert 1 is reported apart (first delivery: joins); alerts 2..REPEATS+1 as a median.
 *
 * <pre>java -cp bench/target/bench.jar:bench/target/lib/* org.bollwerk.bench.AlertBench URL USER PASSWORD [RECIPIENTS] [REPEATS] [WATCHERS]</pre>
 */
public final class AlertBench {
    private AlertBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: AlertBench URL ADMIN_USER ADMIN_PASSWORD [RECIPIENTS=2000] [REPEATS=5] [WATCHERS=20]");
            System.exit(2);
        }
        String url = args[0];
        int recipients = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
        int repeats = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        int watcherCount = args.length > 5 ? Integer.parseInt(args[5]) : 20;
        HttpClient http = MatrixClient.newHttpClient();
        MatrixClient admin = new MatrixClient(http, url).login(args[1], args[2]);
        String domain = admin.userId().substring(admin.userId().indexOf(':') + 1);
        String tag = UUID.randomUUID().toString().substring(0, 6);

        long t0 = System.nanoTime();
        createWithoutPassword(admin, domain, tag, recipients - watcherCount);
        List<MatrixClient> watchers = Accounts.create(admin, http, url, watcherCount, tag + "w", 4);
        System.err.printf("bench: %d accounts in %.1f s%n", recipients, (System.nanoTime() - t0) / 1e9);

        List<double[]> rounds = new ArrayList<>();
        for (int i = 0; i <= repeats; i++) {
            double[] round = alert(admin, watchers, "bench alert " + tag + " #" + i);
            System.err.printf("bench: alert %d to %d: admin call %.0f ms, last watcher synced after %.0f ms%n",
                    i + 1, (int) round[2], round[0], round[1]);
            rounds.add(round);
        }
        List<Double> calls = new ArrayList<>();
        List<Double> synced = new ArrayList<>();
        for (double[] r : rounds.subList(1, rounds.size())) {
            calls.add(r[0]);
            synced.add(r[1]);
        }
        long figures0 = System.nanoTime();
        JsonNode list = admin.call("GET", "/_bollwerk/admin/v1/tenants/default/alerts?limit=1", null).body();
        String lastId = list.path("alerts").get(0).path("alert_id").asString();
        long figuresStart = System.nanoTime();
        admin.call("GET", "/_bollwerk/admin/v1/tenants/default/alerts/" + lastId, null);
        double figuresMs = (System.nanoTime() - figuresStart) / 1e6;
        System.err.printf("bench: list %.0f ms%n", (figuresStart - figures0) / 1e6);

        System.out.println("| alert | recipients | admin call (ms) | last of " + watcherCount + " watchers synced (ms) |");
        System.out.println("|---|---|---|---|");
        System.out.printf("| first (joins everyone to the alert room) | %d | %.0f | %.0f |%n", (int) rounds.getFirst()[2],
                rounds.getFirst()[0], rounds.getFirst()[1]);
        System.out.printf("| next %d, median | %d | %.0f | %.0f |%n", repeats, (int) rounds.getLast()[2],
                Stats.median(calls), Stats.median(synced));
        System.out.printf("%nTracking figures of one alert (GET …/alerts/{id}, %d recipients): %.0f ms%n",
                (int) rounds.getLast()[2], figuresMs);
    }

    private static void createWithoutPassword(MatrixClient admin, String domain, String tag, int n) throws Exception {
        Semaphore slots = new Semaphore(8);
        List<Future<?>> fs = new ArrayList<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int k = i;
                fs.add(ex.submit(() -> {
                    slots.acquire();
                    try {
                        String uid = "@a" + tag + "_" + k + ":" + domain;
                        MatrixClient.Response r = admin.call("PUT", "/_synapse/admin/v2/users/" + MatrixClient.enc(uid), Map.of());
                        if (!r.ok()) throw new IllegalStateException("create " + uid + " -> " + r.status() + " " + r.body());
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        }
    }

    /** Returns {admin call ms, ms until the last watcher's sync had it, recipients}. */
    private static double[] alert(MatrixClient admin, List<MatrixClient> watchers, String marker) throws Exception {
        List<String> since = new ArrayList<>();
        for (MatrixClient w : watchers) since.add(w.expectSync(null, 0, "{\"room\":{\"timeline\":{\"limit\":1}}}").path("next_batch").asString());
        long start = System.nanoTime();
        List<Future<Long>> seen = new ArrayList<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < watchers.size(); i++) {
                MatrixClient w = watchers.get(i);
                String from = since.get(i);
                seen.add(ex.submit(() -> waitFor(w, from, marker)));
            }
            MatrixClient.Response sent = admin.call("POST", "/_bollwerk/admin/v1/tenants/default/alerts",
                    Map.of("body", marker, "remind_after_ms", 0), java.time.Duration.ofMinutes(10));
            long called = System.nanoTime();
            if (sent.status() != 201) throw new IllegalStateException("alert -> " + sent.status() + " " + sent.body());
            long last = called;
            for (Future<Long> f : seen) last = Math.max(last, f.get());
            return new double[]{(called - start) / 1e6, (last - start) / 1e6, sent.body().path("recipients").asInt()};
        }
    }

    private static long waitFor(MatrixClient watcher, String since, String marker) {
        String from = since;
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (System.nanoTime() < deadline) {
            MatrixClient.Response r = watcher.sync(from, 30_000, null);
            if (!r.ok()) throw new IllegalStateException("sync -> " + r.status());
            for (JsonNode room : r.body().path("rooms").path("join")) {
                for (JsonNode event : room.path("timeline").path("events")) {
                    if (event.path("content").path("body").asString("").contains(marker)) return r.receivedNanos();
                }
            }
            from = r.body().path("next_batch").asString();
        }
        throw new IllegalStateException("the alert never reached " + watcher.userId());
    }
}

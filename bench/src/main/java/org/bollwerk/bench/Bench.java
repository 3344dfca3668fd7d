package org.bollwerk.bench;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bollwerk's benchmark: a load generator that speaks only the public Matrix client-server API, so the
 * same run can target any homeserver. Two commands:
 * <pre>
 *   run     --base-url URL (--admin-user U --admin-password P | --users FILE) [--server-pid PID] --out FILE.json
 *   report  FILE.json...      (prints the Markdown tables for docs/benchmarks.md)
 * </pre>
 * {@code bench/run.sh} starts a fresh server per database and calls both.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help")) {
            usage();
            return;
        }
        String cmd = args[0];
        Args a = Args.parse(java.util.Arrays.copyOfRange(args, 1, args.length));
        switch (cmd) {
            case "run" -> run(a);
            case "report" -> System.out.print(Report.markdown(a.positional()));
            case "storage" -> storage(a);
            default -> {
                usage();
                System.exit(2);
            }
        }
    }

    private static void usage() {
        System.err.println("""
                usage: Bench run --base-url URL (--admin-user U --admin-password P | --users FILE)
                                 [--server-pid PID] [--scenarios send,latency,...,rename] [--repeats 3]
                                 [--rename-rooms 500] [--rename-baseline 50]  (scenario 7)
                                 [--warmup 100] [--messages 500] [--concurrency 10] [--senders one-user|many-users]
                                 [--latency-messages 200] [--latency-warmup 20] [--latency-gap-ms 20]
                                 [--prewarm N]  (N unmeasured messages first, to warm the JITs up)
                                 [--meta key=value]... --out FILE.json
                       Bench report FILE.json...   (Markdown tables on stdout)
                  --users FILE: lines 'user:password' of pre-created users (needs 2, or 1 + concurrency for
                  --senders many-users); otherwise users are created through the Synapse-compatible admin API.""");
    }

    private static void run(Args a) throws Exception {
        String baseUrl = a.get("base-url", "http://127.0.0.1:8008");
        Set<String> scenarios = Set.of(a.get("scenarios", "send,latency").split(","));
        if (!Set.of("send", "latency", "delivery", "capacity", "footprint", "idle", "sync", "rename").containsAll(scenarios)) {
            throw new IllegalArgumentException("unknown scenario in " + scenarios);
        }
        int repeats = a.getInt("repeats", 3);
        int warmup = a.getInt("warmup", 100);
        int messages = a.getInt("messages", 500);
        int concurrency = a.getInt("concurrency", 10);
        boolean manyUsers = a.get("senders", "one-user").equals("many-users");
        Long pid = a.has("server-pid") ? Long.valueOf(a.get("server-pid", null)) : null;
        Path out = Path.of(a.require("out"));
        String runTag = Long.toString(System.currentTimeMillis(), 36);

        HttpClient http = MatrixClient.newHttpClient();
        ObjectNode result = MatrixClient.JSON.createObjectNode();
        result.put("tool", "bollwerk-bench");
        result.put("started", Instant.now().toString());
        result.put("base_url", baseUrl);
        result.put("scenarios", String.join(",", new java.util.TreeSet<>(scenarios)));
        ObjectNode meta = result.putObject("meta");
        a.meta().forEach(meta::put);
        ObjectNode rss = result.putObject("rss");
        if (pid != null) {
            rss.put("pid", pid);
            rss.put("idle_after_start_kib", ProcStatus.kib(pid, "VmRSS"));
        }

        boolean pair = scenarios.contains("send") || scenarios.contains("latency");
        int needed = pair ? 2 + (manyUsers ? concurrency : 0) : 0;
        List<MatrixClient> users = needed > 0 ? users(a, http, baseUrl, needed, runTag) : List.of();
        MatrixClient sender = pair ? users.get(0) : null;
        MatrixClient receiver = pair ? users.get(1) : null;
        System.err.printf("bench: %d users logged in at %s (tag %s)%n", users.size(), baseUrl, runTag);

        int prewarm = a.getInt("prewarm", 0);
        if (prewarm > 0 && pair) {
            // JIT warm-up of server and load generator before any measured phase (not part of the public workload)
            List<MatrixClient> others = manyUsers ? users.subList(2, 2 + concurrency) : List.of();
            ObjectNode pw = new SendScenario(sender, others, 0, prewarm / 2, concurrency, runTag + "pw", pid).runOnce(0);
            result.put("prewarm_messages", prewarm);
            result.set("prewarm", pw);
            System.err.printf("bench: prewarm of %d messages done%n", prewarm);
        }
        if (scenarios.contains("send")) {
            List<MatrixClient> others = manyUsers ? users.subList(2, 2 + concurrency) : List.of();
            SendScenario s = new SendScenario(sender, others, warmup, messages, concurrency, runTag, pid);
            ObjectNode send = result.putObject("send");
            send.put("senders_mode", manyUsers ? "many-users" : "one-user");
            send.put("warmup", warmup);
            send.put("messages", messages);
            send.put("concurrency", concurrency);
            ArrayNode reps = send.putArray("repeats");
            for (int r = 0; r < repeats; r++) {
                ObjectNode rep = s.runOnce(r);
                reps.add(rep);
                System.err.printf("bench: send repeat %d: sequential %s msg/s (p50 %s ms, p99 %s ms), "
                                + "%d senders %s msg/s (p50 %s ms, p99 %s ms), errors %d/%d%n", r + 1,
                        rep.path("sequential").path("msg_per_s"), rep.path("sequential").path("p50_ms"),
                        rep.path("sequential").path("p99_ms"), concurrency,
                        rep.path("concurrent").path("msg_per_s"), rep.path("concurrent").path("p50_ms"),
                        rep.path("concurrent").path("p99_ms"), rep.path("sequential").path("errors").asInt(),
                        rep.path("concurrent").path("errors").asInt());
            }
            send.set("median", medians(reps, List.of("sequential", "concurrent"),
                    List.of("msg_per_s", "p50_ms", "p99_ms", "server_cpu_ms_per_msg", "server_cpu_cores",
                            "loadgen_cpu_ms_per_msg", "loadgen_cpu_cores"), List.of("errors")));
        }
        if (scenarios.contains("latency")) {
            LatencyScenario l = new LatencyScenario(sender, receiver, a.getInt("latency-warmup", 20),
                    a.getInt("latency-messages", 200), a.getInt("latency-gap-ms", 20), 10_000, runTag);
            ObjectNode lat = result.putObject("latency");
            ArrayNode reps = lat.putArray("repeats");
            for (int r = 0; r < repeats; r++) {
                ObjectNode rep = l.runOnce(r);
                reps.add(rep);
                System.err.printf("bench: latency repeat %d: p50 %s ms, p99 %s ms, max %s ms, lost %s, duplicated %s%n",
                        r + 1, rep.path("p50_ms"), rep.path("p99_ms"), rep.path("max_ms"), rep.path("lost"),
                        rep.path("duplicated"));
            }
            lat.set("median", medians(reps, List.of(""), List.of("p50_ms", "p99_ms", "max_ms", "send_p50_ms"),
                    List.of("lost", "duplicated", "out_of_order", "sync_errors", "send_errors")));
        }
        MultiUser.run(a, scenarios, result, http, baseUrl, runTag, pid, repeats);
        if (scenarios.contains("rename")) {
            MatrixClient admin = new MatrixClient(http, baseUrl).login(a.require("admin-user"), a.require("admin-password"));
            List<MatrixClient> pair2 = Accounts.create(admin, http, baseUrl, 2, runTag + "n", 2);
            RenameScenario s = new RenameScenario(pair2.get(0), pair2.get(1), a.getInt("rename-rooms", 500),
                    a.getInt("rename-baseline", 50));
            s.setUp(a.getInt("setup-parallel", 6));
            ObjectNode ren = result.putObject("rename");
            ren.put("rooms", a.getInt("rename-rooms", 500));
            ArrayNode reps = ren.putArray("repeats");
            for (int r = 0; r < repeats; r++) {
                ObjectNode rep = s.runOnce(r, runTag);
                reps.add(rep);
                System.err.printf("bench: rename repeat %d: rename %s ms; other user's sends during it: %s, p50 %s ms, "
                                + "p99 %s ms (without rename: p50 %s ms, p99 %s ms)%n", r + 1, rep.path("rename_ms"),
                        rep.path("sends_during_rename"), rep.path("during_p50_ms"), rep.path("during_p99_ms"),
                        rep.path("baseline_p50_ms"), rep.path("baseline_p99_ms"));
            }
            ren.set("median", medians(reps, List.of(""), List.of("rename_ms", "sends_during_rename", "during_p50_ms",
                    "during_p99_ms", "during_max_ms", "baseline_p50_ms", "baseline_p99_ms"), List.of("send_errors")));
        }
        if (pid != null) {
            rss.put("after_runs_kib", ProcStatus.kib(pid, "VmRSS"));
            rss.put("peak_kib", ProcStatus.kib(pid, "VmHWM"));
        }
        result.put("finished", Instant.now().toString());
        Files.createDirectories(out.toAbsolutePath().getParent());
        MatrixClient.JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
        System.err.println("bench: results written to " + out);
    }

    /** {@code storage --jdbc-url URL [--db-user U --db-password P] [--rows 2000] [--batches 1,10] --into FILE.json} */
    private static void storage(Args a) throws Exception {
        int[] batches = java.util.Arrays.stream(a.get("batches", "1,10").split(",")).mapToInt(Integer::parseInt).toArray();
        ObjectNode limit = StorageLimit.run(a.require("jdbc-url"), a.get("db-user", null), a.get("db-password", null),
                a.getInt("rows", 2000), batches);
        Path into = Path.of(a.require("into"));
        ObjectNode result = (ObjectNode) MatrixClient.JSON.readTree(into.toFile());
        result.set("storage_limit", limit);
        MatrixClient.JSON.writerWithDefaultPrettyPrinter().writeValue(into.toFile(), result);
    }

    /** Medians over the repeats of numeric fields; sums of the counters. */
    static ObjectNode medians(ArrayNode reps, List<String> groups, List<String> fields, List<String> counters) {
        ObjectNode m = MatrixClient.JSON.createObjectNode();
        for (String g : groups) {
            ObjectNode target = g.isEmpty() ? m : m.putObject(g);
            for (String f : fields) {
                List<Double> vals = new ArrayList<>();
                reps.forEach(r -> vals.add((g.isEmpty() ? r : r.path(g)).path(f).asDouble()));
                target.put(f, Stats.round(Stats.median(vals), 3));
            }
            for (String c : counters) {
                long sum = 0;
                for (var r : reps) {
                    sum += (g.isEmpty() ? r : r.path(g)).path(c).asLong();
                }
                target.put(c + "_total", sum);
            }
        }
        return m;
    }

    static List<MatrixClient> users(Args a, HttpClient http, String baseUrl, int needed, String runTag)
            throws IOException {
        List<String[]> creds = new ArrayList<>();
        if (a.has("users")) {
            for (String line : Files.readAllLines(Path.of(a.get("users", null)))) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int colon = line.lastIndexOf(':');  // user IDs contain ':' too; the password follows the last one
                creds.add(new String[] {line.substring(0, colon), line.substring(colon + 1)});
            }
            if (creds.size() < needed) {
                throw new IllegalArgumentException("--users has " + creds.size() + " users, the run needs " + needed);
            }
        } else {
            MatrixClient admin = new MatrixClient(http, baseUrl).login(a.require("admin-user"), a.require("admin-password"));
            String domain = admin.userId().substring(admin.userId().indexOf(':') + 1);
            boolean makeAdmins = a.has("bench-users-admin");
            for (int i = 0; i < needed; i++) {
                String pw = "bench-" + runTag + "-pw-" + i;
                String uid = "@bench_" + runTag + "_" + i + ":" + domain;
                admin.adminPutUser(uid, pw, makeAdmins);
                creds.add(new String[] {uid, pw});
            }
        }
        List<MatrixClient> clients = new ArrayList<>();
        for (int i = 0; i < needed; i++) {
            clients.add(new MatrixClient(http, baseUrl).login(creds.get(i)[0], creds.get(i)[1]));
        }
        return clients;
    }

    /** Reads a field such as VmRSS (in KiB) from /proc/PID/status. */
    static final class ProcStatus {
        static long kib(long pid, String field) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith(field + ":")) {
                        return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
                    }
                }
            } catch (IOException | NumberFormatException e) {
                System.err.println("bench: cannot read " + field + " of pid " + pid + ": " + e);
            }
            return -1;
        }

        /** utime + stime of the process in nanoseconds (/proc/PID/stat, USER_HZ = 100), or -1. */
        static long cpuNanos(Long pid) {
            if (pid == null) {
                return -1;
            }
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // after "pid (comm) ": field 3 is f[0], so utime (14) is f[11] and stime (15) is f[12]
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        /** CPU time of this (load generator) process in nanoseconds. */
        static long selfCpuNanos() {
            var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
        }
    }

    /** --key value options (repeated --meta key=value collected), the rest positional. */
    record Args(Map<String, String> opts, Map<String, String> meta, List<String> positional) {
        static Args parse(String[] args) {
            Map<String, String> opts = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            List<String> pos = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String s = args[i];
                if (s.startsWith("--")) {
                    String key = s.substring(2);
                    String val = (i + 1 < args.length && !args[i + 1].startsWith("--")) ? args[++i] : "true";
                    if (key.equals("meta")) {
                        int eq = val.indexOf('=');
                        meta.put(val.substring(0, eq), val.substring(eq + 1));
                    } else {
                        opts.put(key, val);
                    }
                } else {
                    pos.add(s);
                }
            }
            return new Args(opts, meta, pos);
        }

        boolean has(String k) {
            return opts.containsKey(k);
        }

        String get(String k, String def) {
            return opts.getOrDefault(k, def);
        }

        String require(String k) {
            String v = opts.get(k);
            if (v == null) {
                throw new IllegalArgumentException("missing --" + k);
            }
            return v;
        }

        int getInt(String k, int def) {
            return has(k) ? Integer.parseInt(opts.get(k)) : def;
        }

        double getDouble(String k, double def) {
            return has(k) ? Double.parseDouble(opts.get(k)) : def;
        }
    }
}

package org.bollwerk.bench;

import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scenario 4, idle held connections: {@code n} long-polls {@code /sync?since=...&timeout=T} held open at once
 * (spread over {@code accounts} accounts, all members of one room), opened asynchronously over one
 * {@link HttpClient} at a bounded rate. Measured: server RSS before and while they are held (the difference per
 * held connection), how many the server really holds (its ESTABLISHED sockets on the port, from
 * /proc/net/tcp and tcp6), and that they are alive: one message in the shared room must answer them all.
 * Source addresses: loopback connections are spread over 127.0.0.1..127.0.0.{hosts} so one client is not
 * limited by one address's ephemeral ports.
 */
final class IdleScenario {

    private final List<MatrixClient> accounts;
    private final int connections;
    private final int hosts;
    private final int openPerSecond;
    private final long holdTimeoutMs;
    private final int port;

    IdleScenario(List<MatrixClient> accounts, int connections, int hosts, int openPerSecond, long holdTimeoutMs, int port) {
        this.accounts = accounts;
        this.connections = connections;
        this.hosts = hosts;
        this.openPerSecond = openPerSecond;
        this.holdTimeoutMs = holdTimeoutMs;
        this.port = port;
    }

    ObjectNode run(Long serverPid) throws Exception {
        ObjectNode o = MatrixClient.JSON.createObjectNode();
        o.put("connections_requested", connections);
        o.put("accounts", accounts.size());
        o.put("source_hosts", hosts);
        o.put("open_per_s", openPerSecond);
        o.put("long_poll_timeout_ms", holdTimeoutMs);
        MatrixClient owner = accounts.get(0);
        String room = owner.createRoom("public_chat");
        for (int i = 1; i < accounts.size(); i++) {
            accounts.get(i).join(room);
        }
        String filter = owner.uploadFilter(Traffic.FILTER);  // same filter JSON; IDs are per user, so upload for each
        String[] filters = new String[accounts.size()];
        String[] since = new String[accounts.size()];
        for (int i = 0; i < accounts.size(); i++) {
            filters[i] = i == 0 ? filter : accounts.get(i).uploadFilter(Traffic.FILTER);
            MatrixClient.RawResponse r = accounts.get(i).syncRaw(null, 0, filters[i]);
            since[i] = SyncParser.parse(r.body(), "\u0000").nextBatch();
        }
        // warm the sync path up so the idle reading has the compiled code in it
        for (int k = 0; k < 200; k++) {
            accounts.get(k % accounts.size()).syncRaw(since[k % accounts.size()], 0, filters[k % accounts.size()]);
        }
        Thread.sleep(3_000);
        long rssBefore = serverPid == null ? -1 : Bench.ProcStatus.kib(serverPid, "VmRSS");
        long threadsBefore = serverPid == null ? -1 : Bench.ProcStatus.kib(serverPid, "Threads");
        int establishedBefore = established(port);

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(20)).build();
        List<CompletableFuture<HttpResponse<byte[]>>> held = new ArrayList<>(connections);
        AtomicInteger failedToOpen = new AtomicInteger();
        long t0 = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            Traffic.sleepUntil(t0 + (long) (i * 1e9 / openPerSecond));
            int a = i % accounts.size();
            String host = "127.0.0." + (1 + i % hosts);
            String url = "http://" + host + ":" + port + "/_matrix/client/v3/sync?timeout=" + holdTimeoutMs
                    + "&since=" + MatrixClient.enc(since[a]) + "&filter=" + MatrixClient.enc(filters[a]);
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(holdTimeoutMs + 60_000))
                    .header("Authorization", "Bearer " + accounts.get(a).accessToken()).GET().build();
            held.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((r, e) -> {
                if (e != null) {
                    failedToOpen.incrementAndGet();
                }
            }));
        }
        double openSeconds = (System.nanoTime() - t0) / 1e9;
        // settle: every request first builds an (empty) sync response, then parks. Held = the server's ESTABLISHED
        // sockets stop growing and its CPU use drops to near idle (all parked), at most 120 s.
        int est = established(port);
        long settleEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long cpuPrev = Bench.ProcStatus.cpuNanos(serverPid);
        int quiet = 0;
        while (System.nanoTime() < settleEnd && quiet < 2) {
            Thread.sleep(2_000);
            int now = established(port);
            long cpu = Bench.ProcStatus.cpuNanos(serverPid);
            boolean idleCpu = serverPid == null || cpu - cpuPrev < 200_000_000L;  // < 0.1 core over 2 s
            quiet = now == est && idleCpu ? quiet + 1 : 0;
            est = now;
            cpuPrev = cpu;
        }
        o.put("settled", quiet >= 2);
        long answeredEarly = held.stream().filter(CompletableFuture::isDone).count();
        long rssHeld = serverPid == null ? -1 : Bench.ProcStatus.kib(serverPid, "VmRSS");
        long threadsHeld = serverPid == null ? -1 : Bench.ProcStatus.kib(serverPid, "Threads");
        double heldSeconds = (System.nanoTime() - t0) / 1e9;
        int heldByServer = est - establishedBefore;

        // wake them all: one message in the room every account is in
        long w0 = System.nanoTime();
        try {
            MatrixClient.RawResponse sent = owner.withHttp(MatrixClient.newHttpClient())
                    .callRaw("PUT", "/_matrix/client/v3/rooms/" + MatrixClient.enc(room) + "/send/m.room.message/wake"
                            + System.nanoTime(), "{\"msgtype\":\"m.text\",\"body\":\"wake up\"}"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII), Duration.ofSeconds(120));
            o.put("wake_send_status", sent.status());
        } catch (IOException e) {
            o.put("wake_send_error", e.toString());
        }
        int answered = 0;
        int answeredOk = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (CompletableFuture<HttpResponse<byte[]>> f : held) {
            try {
                HttpResponse<byte[]> r = f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                answered++;
                if (r.statusCode() == 200 && new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).contains("wake up")) {
                    answeredOk++;
                }
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // counted below as not answered
            }
        }
        double wakeSeconds = (System.nanoTime() - w0) / 1e9;
        http.shutdownNow();
        http.close();

        o.put("open_seconds", Stats.round(openSeconds, 1));
        o.put("measured_after_seconds", Stats.round(heldSeconds, 1));
        o.put("held_by_server", heldByServer);
        o.put("answered_before_wake", answeredEarly);
        o.put("failed_to_open_or_answer", failedToOpen.get());
        o.put("woken_with_the_message", answeredOk);
        o.put("answered_after_wake", answered);
        o.put("wake_all_seconds", Stats.round(wakeSeconds, 2));
        o.put("server_rss_before_kib", rssBefore);
        o.put("server_rss_held_kib", rssHeld);
        o.put("server_threads_before", threadsBefore);
        o.put("server_threads_held", threadsHeld);
        if (rssBefore > 0 && heldByServer > 0) {
            o.put("rss_per_held_connection_kib", Stats.round((double) (rssHeld - rssBefore) / heldByServer, 1));
        }
        if (serverPid != null) {
            o.put("server_rss_peak_kib", Bench.ProcStatus.kib(serverPid, "VmHWM"));
        }
        System.err.printf("bench: idle: %d requested, %d held by the server, RSS %d -> %d MiB, %d woken by one message%n",
                connections, heldByServer, rssBefore / 1024, rssHeld / 1024, answeredOk);
        return o;
    }

    /** ESTABLISHED TCP sockets whose local port is {@code port} (the server's side), IPv4 and IPv6. */
    static int established(int port) {
        String hexPort = String.format(":%04X ", port);
        int n = 0;
        for (String f : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try (var lines = Files.lines(Path.of(f))) {
                n += (int) lines.filter(l -> {
                    String[] c = l.trim().split("\\s+");
                    return c.length > 3 && c[3].equals("01") && (c[1] + " ").endsWith(hexPort);
                }).count();
            } catch (IOException e) {
                // no such table
            }
        }
        return n;
    }
}

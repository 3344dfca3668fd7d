package org.bollwerk.bench;

import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One measured run: clients long-poll {@code /sync} (filter: message timelines only), messages are sent with a
 * body {@code "bm<tag> <n>"}, and every delivery is counted per client. Latency of a delivery = from just
 * before the send request starts to the moment the sync response that carries it has been received.
 * A message is expected at every client of every other member account that was syncing before the send
 * started; lost = expected but never seen, duplicated = seen twice by the same client.
 */
final class Session implements AutoCloseable {

    private static final int PENDING = 0;
    private static final int SENT = 1;
    private static final int FAILED = 2;

    private final Traffic traffic;
    private final String tag;
    private final String prefix;
    private final int capacity;
    private final long syncTimeoutMs;
    private final HttpClient http = Traffic.newHttp();
    private final List<MatrixClient> accounts;

    private final AtomicLongArray sentAt;
    private final int[] roomOf;
    private final int[] senderOf;
    private final AtomicIntegerArray state;
    private final AtomicInteger nextId = new AtomicInteger();

    final LatencyLog deliveries = new LatencyLog();
    final LatencyLog sends = new LatencyLog();
    final List<Traffic.Client> clients = new CopyOnWriteArrayList<>();
    final AtomicInteger duplicated = new AtomicInteger();
    final AtomicInteger unexpected = new AtomicInteger();
    final AtomicInteger limited = new AtomicInteger();
    final AtomicInteger syncErrors = new AtomicInteger();
    /** Sync responses received (HTTP 200), for the server's CPU per response. */
    final java.util.concurrent.atomic.AtomicLong syncResponses = new java.util.concurrent.atomic.AtomicLong();
    final AtomicInteger sendErrors = new AtomicInteger();
    final AtomicInteger overflow = new AtomicInteger();
    final AtomicInteger aborted = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile String firstError;

    Session(Traffic traffic, String tag, int capacity, long syncTimeoutMs) {
        this.traffic = traffic;
        this.tag = tag;
        this.prefix = "bm" + tag + " ";
        this.capacity = capacity;
        this.syncTimeoutMs = syncTimeoutMs;
        this.accounts = traffic.accounts.stream().map(a -> a.withHttp(http)).toList();
        this.sentAt = new AtomicLongArray(capacity);
        this.roomOf = new int[capacity];
        this.senderOf = new int[capacity];
        this.state = new AtomicIntegerArray(capacity);
    }

    /**
     * Starts a client of {@code account}: one catch-up sync (its content is not counted) to reach the present,
     * then the long-poll loop. Returns once the client is ready (its first long-poll is on its way).
     */
    Traffic.Client startClient(int account) {
        Traffic.Client c = new Traffic.Client(account);
        MatrixClient me = accounts.get(account);
        String filter = traffic.filterIds[account];
        String since;
        try {
            MatrixClient.RawResponse r = me.syncRaw(traffic.since[account], 0, filter);
            since = r.ok() ? SyncParser.parse(r.body(), prefix).nextBatch() : traffic.since[account];
        } catch (IOException e) {
            error("catch-up sync: " + e);
            since = traffic.since[account];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return c;
        }
        c.readyAt = System.nanoTime();
        String from = since;
        c.thread = Thread.ofVirtual().name("sync-" + account).start(() -> syncLoop(c, me, filter, from));
        clients.add(c);
        return c;
    }

    private void syncLoop(Traffic.Client c, MatrixClient me, String filter, String from) {
        String since = from;
        while (running.get()) {
            MatrixClient.RawResponse r;
            try {
                r = me.syncRaw(since, syncTimeoutMs, filter);
            } catch (IOException e) {
                if (running.get()) {
                    syncErrors.incrementAndGet();
                    error("sync: " + e);
                    sleep(200);
                }
                continue;
            } catch (InterruptedException e) {
                return;
            }
            if (!r.ok()) {
                syncErrors.incrementAndGet();
                error("sync: HTTP " + r.status());
                sleep(200);
                continue;
            }
            syncResponses.incrementAndGet();
            SyncParser.Result p = SyncParser.parse(r.body(), prefix);
            limited.addAndGet(p.limited());
            for (int i = 0; i < p.count(); i++) {
                int id = p.ids()[i];
                long sent = id < capacity ? sentAt.get(id) : 0;
                if (sent == 0) {
                    unexpected.incrementAndGet();
                    continue;
                }
                if (senderOf[id] == c.account) {
                    continue;  // one's own message
                }
                synchronized (c) {
                    if (c.seen.get(id)) {
                        duplicated.incrementAndGet();
                        continue;
                    }
                    c.seen.set(id);
                }
                deliveries.add(r.receivedNanos(), r.receivedNanos() - sent);
            }
            if (p.nextBatch() != null) {
                since = p.nextBatch();
            }
        }
    }

    /** Sends one message from {@code account} into room {@code room} (blocking); false when it failed. */
    boolean send(int account, int room) {
        int id = nextId.getAndIncrement();
        if (id >= capacity) {
            overflow.incrementAndGet();
            return false;
        }
        roomOf[id] = room;
        senderOf[id] = account;
        long t0 = System.nanoTime();
        sentAt.set(id, t0);
        try {
            MatrixClient.RawResponse r = accounts.get(account).sendPlainText(traffic.roomIds[room], "t" + tag + "-" + id,
                    prefix + id);
            long t1 = System.nanoTime();
            sends.add(t1, t1 - t0);
            if (r.ok()) {
                state.set(id, SENT);
                return true;
            }
            error("send: HTTP " + r.status() + " " + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            error("send: " + e);
        } catch (InterruptedException e) {
            // the run is stopping: an aborted send is neither an error nor expected anywhere
            Thread.currentThread().interrupt();
            state.set(id, FAILED);
            aborted.incrementAndGet();
            return false;
        }
        state.set(id, FAILED);
        sendErrors.incrementAndGet();
        return false;
    }

    int messagesStarted() {
        return Math.min(nextId.get(), capacity);
    }

    /** Waits until no delivery arrived for {@code quietMs} (at most {@code maxMs}). */
    void drain(long quietMs, long maxMs) throws InterruptedException {
        long end = System.currentTimeMillis() + maxMs;
        int last = -1;
        long lastChange = System.currentTimeMillis();
        while (System.currentTimeMillis() < end) {
            int n = deliveries.size();
            if (n != last) {
                last = n;
                lastChange = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastChange >= quietMs) {
                return;
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        http.shutdownNow();  // aborts the waiting long-polls
        for (Traffic.Client c : clients) {
            if (c.thread != null) {
                c.thread.join(10_000);
            }
        }
        http.close();
    }

    /** Expected deliveries and how many of them were seen (after close). */
    long[] expectedAndSeen() {
        int n = messagesStarted();
        // clients per account, to walk members fast
        java.util.Map<Integer, List<Traffic.Client>> byAccount = new java.util.HashMap<>();
        for (Traffic.Client c : clients) {
            byAccount.computeIfAbsent(c.account, k -> new java.util.ArrayList<>()).add(c);
        }
        long expected = 0;
        long seen = 0;
        for (int id = 0; id < n; id++) {
            if (state.get(id) != SENT) {
                continue;
            }
            long t = sentAt.get(id);
            for (int m : traffic.rooms.get(roomOf[id]).members()) {
                if (m == senderOf[id]) {
                    continue;
                }
                for (Traffic.Client c : byAccount.getOrDefault(m, List.of())) {
                    if (c.readyAt < t) {
                        expected++;
                        synchronized (c) {
                            if (c.seen.get(id)) {
                                seen++;
                            }
                        }
                    }
                }
            }
        }
        return new long[] {expected, seen};
    }

    /** Summary of the whole session (call after close). */
    ObjectNode summary(long elapsedNanos) {
        ObjectNode o = MatrixClient.JSON.createObjectNode();
        long[] es = expectedAndSeen();
        long[] d = deliveries.all();
        long[] s = sends.all();
        int sent = 0;
        for (int id = 0; id < messagesStarted(); id++) {
            if (state.get(id) == SENT) {
                sent++;
            }
        }
        o.put("clients", clients.size());
        o.put("seconds", Stats.round(elapsedNanos / 1e9, 2));
        o.put("messages_sent", sent);
        o.put("msg_per_s", Stats.round(sent / (elapsedNanos / 1e9), 1));
        o.put("send_errors", sendErrors.get());
        o.put("send_p50_ms", Stats.percentileMs(s, 50));
        o.put("send_p95_ms", Stats.percentileMs(s, 95));
        o.put("send_p99_ms", Stats.percentileMs(s, 99));
        o.put("deliveries_expected", es[0]);
        o.put("deliveries_seen", es[1]);
        o.put("lost", es[0] - es[1]);
        o.put("duplicated", duplicated.get());
        o.put("unexpected", unexpected.get());
        o.put("limited_timelines", limited.get());
        o.put("sync_errors", syncErrors.get());
        o.put("delivery_p50_ms", Stats.percentileMs(d, 50));
        o.put("delivery_p99_ms", Stats.percentileMs(d, 99));
        o.put("delivery_max_ms", Stats.percentileMs(d, 100));
        if (aborted.get() > 0) {
            o.put("sends_aborted_at_stop", aborted.get());
        }
        if (overflow.get() > 0) {
            o.put("messages_not_sent_capacity", overflow.get());
        }
        if (firstError != null) {
            o.put("first_error", firstError);
        }
        return o;
    }

    private void error(String e) {
        if (firstError == null) {
            firstError = e;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

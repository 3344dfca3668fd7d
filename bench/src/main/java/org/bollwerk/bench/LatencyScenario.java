package org.bollwerk.bench;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Scenario 2, send-to-receive latency: a second member of a {@code private_chat} room keeps a long-poll
 * {@code /sync?since=...&timeout=30000} open; the sender sends N messages one at a time and waits for each
 * to arrive. Latency = from just before the send request starts to the moment the receiver's sync response
 * containing that message has been fully received. Every delivery is counted: a message that never
 * arrives is lost, one that arrives twice is duplicated.
 */
final class LatencyScenario {

    private static final String BODY_PREFIX = "lat ";

    private final MatrixClient sender;
    private final MatrixClient receiver;
    private final int warmup;
    private final int messages;
    private final long gapMillis;
    private final long waitMillis;
    private final String runTag;

    LatencyScenario(MatrixClient sender, MatrixClient receiver, int warmup, int messages, long gapMillis,
                    long waitMillis, String runTag) {
        this.sender = sender;
        this.receiver = receiver;
        this.warmup = warmup;
        this.messages = messages;
        this.gapMillis = gapMillis;
        this.waitMillis = waitMillis;
        this.runTag = runTag;
    }

    ObjectNode runOnce(int repeat) throws Exception {
        String room = sender.createRoom("private_chat", receiver.userId());
        receiver.join(room);
        String filter = "{\"room\":{\"rooms\":[" + MatrixClient.JSON.writeValueAsString(room) + "],"
                + "\"timeline\":{\"limit\":100}},"
                + "\"presence\":{\"not_types\":[\"*\"]},\"account_data\":{\"not_types\":[\"*\"]}}";
        String since = receiver.expectSync(null, 0, filter).path("next_batch").asString();

        int total = warmup + messages;
        AtomicReferenceArray<CompletableFuture<Long>> arrivals = new AtomicReferenceArray<>(total);
        for (int i = 0; i < total; i++) {
            arrivals.set(i, new CompletableFuture<>());
        }
        AtomicInteger[] deliveries = new AtomicInteger[total];
        for (int i = 0; i < total; i++) {
            deliveries[i] = new AtomicInteger();
        }
        AtomicInteger unknown = new AtomicInteger();
        AtomicInteger outOfOrder = new AtomicInteger();
        AtomicInteger limited = new AtomicInteger();
        AtomicInteger syncErrors = new AtomicInteger();
        AtomicLong syncs = new AtomicLong();
        AtomicReference<String> receiverError = new AtomicReference<>();
        String tag = runTag + "-l" + repeat + "-";
        var running = new java.util.concurrent.atomic.AtomicBoolean(true);

        Thread rx = Thread.ofVirtual().name("bench-receiver").start(() -> {
            String token = since;
            int lastIndex = -1;
            while (running.get()) {
                MatrixClient.Response r;
                try {
                    r = receiver.sync(token, 30_000, filter);
                } catch (RuntimeException e) {
                    if (running.get()) {
                        syncErrors.incrementAndGet();
                        receiverError.compareAndSet(null, e.toString());
                    }
                    continue;
                }
                syncs.incrementAndGet();
                if (!r.ok()) {
                    syncErrors.incrementAndGet();
                    receiverError.compareAndSet(null, r.status() + " " + r.body());
                    sleepQuietly(100);
                    continue;
                }
                JsonNode timeline = r.body().path("rooms").path("join").path(room).path("timeline");
                if (timeline.path("limited").asBoolean(false)) {
                    limited.incrementAndGet();
                }
                for (JsonNode ev : timeline.path("events")) {
                    if (!"m.room.message".equals(ev.path("type").asString())) {
                        continue;
                    }
                    String body = ev.path("content").path("body").asString("");
                    if (body.equals("stop")) {
                        continue;
                    }
                    if (!body.startsWith(BODY_PREFIX + tag)) {
                        unknown.incrementAndGet();
                        continue;
                    }
                    int i = Integer.parseInt(body.substring((BODY_PREFIX + tag).length()));
                    if (deliveries[i].incrementAndGet() == 1) {
                        arrivals.get(i).complete(r.receivedNanos());
                    }
                    if (i <= lastIndex) {
                        outOfOrder.incrementAndGet();
                    }
                    lastIndex = Math.max(lastIndex, i);
                }
                token = r.body().path("next_batch").asString(token);
            }
        });

        long[] latency = new long[messages];
        long[] sendLatency = new long[messages];
        int measured = 0;
        int timedOut = 0;
        int sendErrors = 0;
        String firstSendError = null;
        for (int i = 0; i < total; i++) {
            Thread.sleep(gapMillis);  // lets the receiver's next long-poll reach the server and park
            long t0 = System.nanoTime();
            MatrixClient.Response s = sender.sendText(room, tag + i, BODY_PREFIX + tag + i);
            long sent = System.nanoTime() - t0;
            if (!s.ok()) {
                sendErrors++;
                if (firstSendError == null) {
                    firstSendError = s.status() + " " + s.body();
                }
                continue;
            }
            try {
                long arrived = arrivals.get(i).get(waitMillis, TimeUnit.MILLISECONDS);
                if (i >= warmup) {
                    latency[measured] = arrived - t0;
                    sendLatency[measured] = sent;
                    measured++;
                }
            } catch (TimeoutException e) {
                timedOut++;
            }
        }
        // give late deliveries a last chance, then stop the receiver
        Thread.sleep(Math.min(2_000, waitMillis));
        running.set(false);
        sender.sendText(room, tag + "stop", "stop");  // wakes the receiver's long-poll
        rx.join(35_000);

        int lost = 0;
        int duplicated = 0;
        for (int i = 0; i < total; i++) {
            int d = deliveries[i].get();
            if (d == 0) {
                lost++;
            } else if (d > 1) {
                duplicated += d - 1;
            }
        }
        long[] lat = java.util.Arrays.copyOf(latency, measured);
        long[] snd = java.util.Arrays.copyOf(sendLatency, measured);
        ObjectNode o = MatrixClient.JSON.createObjectNode();
        o.put("room_id", room);
        o.put("warmup", warmup);
        o.put("messages", messages);
        o.put("measured", measured);
        o.put("gap_ms", gapMillis);
        o.put("p50_ms", Stats.percentileMs(lat, 50));
        o.put("p99_ms", Stats.percentileMs(lat, 99));
        o.put("max_ms", Stats.percentileMs(lat, 100));
        o.put("send_p50_ms", Stats.percentileMs(snd, 50));
        o.put("send_p99_ms", Stats.percentileMs(snd, 99));
        o.put("lost", lost);
        o.put("duplicated", duplicated);
        o.put("timed_out_waits", timedOut);
        o.put("out_of_order", outOfOrder.get());
        o.put("unexpected_messages", unknown.get());
        o.put("limited_timelines", limited.get());
        o.put("syncs", syncs.get());
        o.put("sync_errors", syncErrors.get());
        o.put("send_errors", sendErrors);
        if (firstSendError != null) {
            o.put("first_send_error", firstSendError);
        }
        if (receiverError.get() != null) {
            o.put("first_sync_error", receiverError.get());
        }
        return o;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

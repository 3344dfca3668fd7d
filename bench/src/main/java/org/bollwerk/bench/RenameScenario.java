package org.bollwerk.bench;

import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Scenario 7, rename: one user in {@code rooms} rooms changes the display name (every room gets a new member
 * event) while another user sends messages one after the other into a room of their own. Measures the other
 * user's send latency while the rename runs, next to the same sends without a rename, and the rename's duration.
 */
final class RenameScenario {
    private final MatrixClient renamer;
    private final MatrixClient sender;
    private final int rooms;
    private final int baselineMessages;
    private String senderRoom;

    RenameScenario(MatrixClient renamer, MatrixClient sender, int rooms, int baselineMessages) {
        this.renamer = renamer;
        this.sender = sender;
        this.rooms = rooms;
        this.baselineMessages = baselineMessages;
    }

    /** The renamer joins (creates) its rooms; a few in parallel. */
    void setUp(int parallel) throws Exception {
        long t0 = System.nanoTime();
        Semaphore slots = new Semaphore(parallel);
        List<Future<?>> fs = new ArrayList<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < rooms; i++) {
                fs.add(ex.submit(() -> {
                    slots.acquire();
                    try {
                        return renamer.createRoom("private_chat");
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (Future<?> f : fs) f.get();
        }
        senderRoom = sender.createRoom("private_chat");
        System.err.printf("bench: rename set-up: %d rooms in %.1f s%n", rooms, (System.nanoTime() - t0) / 1e9);
    }

    ObjectNode runOnce(int repeat, String tag) throws Exception {
        ObjectNode out = MatrixClient.JSON.createObjectNode();
        long[] baseline = new long[baselineMessages];
        for (int i = 0; i < baselineMessages; i++) baseline[i] = timedSend(tag + "b" + repeat + "_" + i);

        ObjectNode name = MatrixClient.JSON.createObjectNode();
        name.put("displayname", "Renamed " + tag + " " + repeat);
        long r0 = System.nanoTime();
        CompletableFuture<MatrixClient.Response> rename = CompletableFuture.supplyAsync(() -> renamer.call("PUT",
                "/_matrix/client/v3/profile/" + MatrixClient.enc(renamer.userId()) + "/displayname", name),
                command -> Thread.ofVirtual().start(command));
        List<Long> during = new ArrayList<>();
        int errors = 0;
        for (int i = 0; !rename.isDone(); i++) {
            long t = timedSend(tag + "r" + repeat + "_" + i);
            if (t < 0) errors++;
            else during.add(t);
        }
        MatrixClient.Response renamed = rename.get();
        long renameNanos = System.nanoTime() - r0;
        if (!renamed.ok()) throw new MatrixClient.MatrixCallException("rename failed: " + renamed.status() + " " + renamed.body());
        long[] d = during.stream().mapToLong(Long::longValue).toArray();
        out.put("rename_ms", Stats.round(renameNanos / 1e6, 1));
        out.put("sends_during_rename", d.length);
        out.put("during_p50_ms", Stats.percentileMs(d, 50));
        out.put("during_p99_ms", Stats.percentileMs(d, 99));
        out.put("during_max_ms", Stats.percentileMs(d, 100));
        out.put("baseline_p50_ms", Stats.percentileMs(baseline, 50));
        out.put("baseline_p99_ms", Stats.percentileMs(baseline, 99));
        out.put("send_errors", errors);
        return out;
    }

    /** One send's latency in ns, or -1 when it failed. */
    private long timedSend(String txnId) {
        long t0 = System.nanoTime();
        MatrixClient.Response r = sender.sendText(senderRoom, txnId, "while someone renames");
        return r.ok() ? System.nanoTime() - t0 : -1;
    }
}

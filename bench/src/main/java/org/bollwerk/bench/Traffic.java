package org.bollwerk.bench;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * The population of the multi-user scenarios: accounts, their rooms (a {@link RoomLayout}), a stored sync
 * filter per account and a sync token to start from. Set up once per server, used by several sessions.
 */
final class Traffic {

    /** Only message timelines: no state, presence, receipts or account data to transfer and skip. */
    static final String FILTER = "{\"room\":{\"timeline\":{\"limit\":100,\"types\":[\"m.room.message\"]},"
            + "\"state\":{\"types\":[]},\"ephemeral\":{\"types\":[]},\"account_data\":{\"types\":[]}},"
            + "\"presence\":{\"types\":[]},\"account_data\":{\"types\":[]}}";

    final List<MatrixClient> accounts;
    final List<RoomLayout.Room> rooms;
    final String[] roomIds;
    final String[] filterIds;
    final String[] since;
    /** The SMALL room of each account (every account has one). */
    final int[] smallRoomOf;

    private Traffic(List<MatrixClient> accounts, List<RoomLayout.Room> rooms) {
        this.accounts = accounts;
        this.rooms = rooms;
        this.roomIds = new String[rooms.size()];
        this.filterIds = new String[accounts.size()];
        this.since = new String[accounts.size()];
        this.smallRoomOf = new int[accounts.size()];
        for (int r = 0; r < rooms.size(); r++) {
            if (rooms.get(r).kind() == RoomLayout.Kind.SMALL) {
                for (int m : rooms.get(r).members()) {
                    smallRoomOf[m] = r;
                }
            }
        }
    }

    /** Creates the rooms, joins their members, stores the filters and takes a first sync token per account. */
    static Traffic setUp(List<MatrixClient> accounts, List<RoomLayout.Room> rooms, int parallel) throws Exception {
        Traffic t = new Traffic(accounts, rooms);
        long t0 = System.nanoTime();
        List<Callable<Void>> creates = new ArrayList<>();
        for (int r = 0; r < rooms.size(); r++) {
            int k = r;
            creates.add(() -> {
                RoomLayout.Room room = rooms.get(k);
                MatrixClient creator = accounts.get(room.members()[0]);
                if (room.kind() == RoomLayout.Kind.SMALL) {
                    String[] invite = new String[room.members().length - 1];
                    for (int i = 1; i < room.members().length; i++) {
                        invite[i - 1] = accounts.get(room.members()[i]).userId();
                    }
                    t.roomIds[k] = creator.createRoom("private_chat", invite);
                } else {
                    t.roomIds[k] = creator.createRoom("public_chat");
                }
                return null;
            });
        }
        parallel(creates, parallel);
        List<Callable<Void>> joins = new ArrayList<>();
        int joinCount = 0;
        for (int r = 0; r < rooms.size(); r++) {
            int[] m = rooms.get(r).members();
            for (int i = 1; i < m.length; i++) {
                MatrixClient who = accounts.get(m[i]);
                String roomId = t.roomIds[r];
                joins.add(() -> {
                    who.join(roomId);
                    return null;
                });
                joinCount++;
            }
        }
        parallel(joins, parallel);
        List<Callable<Void>> firstSyncs = new ArrayList<>();
        for (int a = 0; a < accounts.size(); a++) {
            int k = a;
            firstSyncs.add(() -> {
                MatrixClient c = accounts.get(k);
                t.filterIds[k] = c.uploadFilter(FILTER);
                MatrixClient.RawResponse r = c.syncRaw(null, 0, t.filterIds[k]);
                if (!r.ok()) {
                    throw new MatrixClient.MatrixCallException("first sync of " + c.userId() + " -> HTTP " + r.status());
                }
                t.since[k] = SyncParser.parse(r.body(), "\u0000").nextBatch();
                return null;
            });
        }
        parallel(firstSyncs, parallel);
        System.err.printf("bench: %d rooms created, %d joins, %d first syncs in %.1f s%n", rooms.size(), joinCount,
                accounts.size(), (System.nanoTime() - t0) / 1e9);
        return t;
    }

    static void parallel(List<? extends Callable<?>> tasks, int parallel) throws Exception {
        Semaphore slots = new Semaphore(parallel);
        List<Future<?>> fs = new ArrayList<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Callable<?> task : tasks) {
                fs.add(ex.submit(() -> {
                    slots.acquire();
                    try {
                        return task.call();
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
    }

    /** One measured run over this population: clients that sync, messages that are sent and counted. */
    Session session(String tag, int maxMessages, long syncTimeoutMs) {
        return new Session(this, tag, maxMessages, syncTimeoutMs);
    }

    /** A syncing client: one account's token in its own long-poll loop (several clients may share an account). */
    static final class Client {
        final int account;
        final BitSet seen = new BitSet();
        volatile long readyAt = Long.MAX_VALUE;
        Thread thread;

        Client(int account) {
            this.account = account;
        }
    }

    static HttpClient newHttp() {
        return MatrixClient.newHttpClient();
    }

    /** Busy-free wait until a nanoTime deadline. */
    static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }
}

package org.bollwerk.room;

import org.bollwerk.BollwerkApplication;
import org.bollwerk.account.AccountService;
import org.bollwerk.storage.Db;
import org.bollwerk.storage.FollowUps;
import org.bollwerk.storage.StreamNotifier;
import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rename or a deactivation touches every room of the user. It runs after the triggering write, one write
 * per room (so other users' writes keep flowing), and it survives a shutdown or crash between the commit and
 * the last room (recorded in {@code pending_fanout}, resumed at start-up or when the claim expires).
 */
class ProfileFanOutIT extends ClientApiTestBase {
    private static final int ROOMS = 200;

    @Autowired
    Db db;
    @Autowired
    FollowUps followUps;
    @Autowired
    StreamNotifier notifier;

    @Test
    void otherUsersSendsAreAnsweredWhileAUserInManyRoomsRenames() throws Exception {
        User alice = newUser("fanout-alice");
        List<String> rooms = new ArrayList<>();
        for (int i = 0; i < ROOMS; i++) rooms.add(createRoom(alice, Map.of("preset", "private_chat")));
        User bob = newUser("fanout-bob");
        String bobsRoom = createRoom(bob, Map.of("preset", "private_chat"));
        long before = notifier.current();

        CompletableFuture<MatrixHttp.Response> rename = CompletableFuture.supplyAsync(() -> put(alice,
                "/profile/" + MatrixHttp.encode(alice.userId()) + "/displayname", Map.of("displayname", "Alice Renamed")),
                command -> Thread.ofVirtual().start(command));
        List<String> sentDuringRename = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (int i = 0; !rename.isDone() && System.nanoTime() < deadline; i++) {
            String eventId = ok(send(bob, bobsRoom, "while alice renames " + i)).get("event_id").asString();
            if (!rename.isDone()) sentDuringRename.add(eventId);
        }
        ok(rename.get());

        // Bob's messages committed between the first and the last rewritten member event: they did not wait
        // for the whole fan-out (inside one transaction they could only come before or after all of it).
        long firstMember = db.sql().sql("SELECT MIN(stream_ordering) FROM events WHERE type = 'm.room.member' "
                + "AND state_key = ? AND stream_ordering > ?").params(alice.userId(), before).query(Long.class).single();
        long lastMember = db.sql().sql("SELECT MAX(stream_ordering) FROM events WHERE type = 'm.room.member' "
                + "AND state_key = ? AND stream_ordering > ?").params(alice.userId(), before).query(Long.class).single();
        long interleaved = sentDuringRename.stream().filter(eventId -> {
            long position = db.sql().sql("SELECT stream_ordering FROM events WHERE event_id = ?").param(eventId)
                    .query(Long.class).single();
            return position > firstMember && position < lastMember;
        }).count();
        assertThat(interleaved).as("bob's sends answered in the middle of the fan-out (of %s sent during the rename)",
                sentDuringRename.size()).isGreaterThanOrEqualTo(3);

        for (String roomId : rooms) assertThat(displayName(alice, roomId)).isEqualTo("Alice Renamed");
        assertThat(followUps.pending()).isZero();
    }

    @Test
    void deactivationLeavesEveryRoomAfterItsCommit() {
        User carol = newUser("fanout-carol");
        User dave = newUser("fanout-dave");
        List<String> rooms = new ArrayList<>();
        for (int i = 0; i < 3; i++) rooms.add(privateRoomWith(dave, carol));
        accounts.deactivate(carol.userId(), false);
        for (String roomId : rooms) {
            assertThat(ok(get(dave, room(roomId) + "/state/m.room.member/" + MatrixHttp.encode(carol.userId())))
                    .get("membership").asString()).isEqualTo("leave");
        }
        assertThat(followUps.pending()).isZero();
    }

    @Test
    void aFollowUpLeftByACrashedProcessIsTakenOverOnceItsClaimExpired() throws InterruptedException {
        User erin = newUser("fanout-erin");
        User frank = newUser("fanout-frank");
        String first = privateRoomWith(frank, erin);
        String second = privateRoomWith(frank, erin);
        // What a crash right after a deactivation's commit leaves: the recorded work, claimed by a dead process.
        db.write(() -> db.sql().sql("INSERT INTO pending_fanout (kind, subject, created_at, claimed_by, claimed_until) "
                + "VALUES ('room.leave-all', ?, ?, 'crashed-process', ?)").params(erin.userId(), System.currentTimeMillis(),
                System.currentTimeMillis() - 1).update());

        followUps.runLeftovers();  // what every node does at start-up and every check interval

        // (the scheduled check of this server may have claimed it first: then it finishes there)
        awaitTrue("the follow-up is done", () -> followUps.pending() == 0);
        for (String roomId : List.of(first, second)) {
            assertThat(ok(get(frank, room(roomId) + "/state/m.room.member/" + MatrixHttp.encode(erin.userId())))
                    .get("membership").asString()).isEqualTo("leave");
        }
    }

    @Test
    void aFollowUpThatFailsIsKeptForALaterRetryAndDoesNotHoldUpTheOthers() throws InterruptedException {
        User hank = newUser("fanout-hank");
        User ida = newUser("fanout-ida");
        String roomId = privateRoomWith(ida, hank);
        long now = System.currentTimeMillis();
        // A kind no handler here knows (say, written by a newer node) fails; the row after it still runs.
        long failing = db.write(() -> db.sql().sql("INSERT INTO pending_fanout (kind, subject, created_at) "
                + "VALUES ('test.unknown-kind', ?, ?) RETURNING id").params(hank.userId(), now).query(Long.class).single());
        db.write(() -> db.sql().sql("INSERT INTO pending_fanout (kind, subject, created_at) VALUES ('room.leave-all', ?, ?)")
                .params(hank.userId(), now).update());
        try {
            followUps.runLeftovers();

            awaitTrue("the good follow-up ran and the failing one was given up for now", () -> followUps.pending() == 1
                    && db.sql().sql("SELECT attempts FROM pending_fanout WHERE id = ?").param(failing)
                    .query(Integer.class).single() == 1);
            assertThat(ok(get(ida, room(roomId) + "/state/m.room.member/" + MatrixHttp.encode(hank.userId())))
                    .get("membership").asString()).isEqualTo("leave");
            record Row(int attempts, String claimedBy, long claimedUntil) {
            }
            Row row = db.sql().sql("SELECT attempts, claimed_by, claimed_until FROM pending_fanout WHERE id = ?")
                    .param(failing).query((rs, n) -> new Row(rs.getInt(1), rs.getString(2), rs.getLong(3))).single();
            assertThat(row.attempts()).isEqualTo(1);
            assertThat(row.claimedBy()).as("released for any node").isNull();
            assertThat(row.claimedUntil()).as("retried later, not at once").isGreaterThan(System.currentTimeMillis());
            assertThat(followUps.pending()).isEqualTo(1);
        } finally {
            db.write(() -> db.sql().sql("DELETE FROM pending_fanout WHERE id = ?").param(failing).update());
        }
    }

    @Test
    void aRenameCutShortByShutdownIsCompletedByTheNextStart(@TempDir Path dataDir) throws Exception {
        String userId;
        String token;
        List<String> rooms = new ArrayList<>();
        String[] sameDatabase;
        long before;
        try (ConfigurableApplicationContext first = start(dataDir, "bollwerk.follow-ups.check-interval=1h")) {
            sameDatabase = sameDatabase(first);
            http = new MatrixHttp(port(first));
            String localpart = MatrixHttp.uniqueLocalpart("fanout-restart");
            userId = "@" + localpart + ":localhost";
            first.getBean(AccountService.class).createUser(userId, "secret-" + localpart, "Before", false);
            User gina = login(localpart);
            token = gina.token();
            for (int i = 0; i < 40; i++) rooms.add(createRoom(gina, Map.of("preset", "private_chat")));
            Db firstDb = first.getBean(Db.class);
            long from = first.getBean(StreamNotifier.class).current();
            before = from;

            CompletableFuture<MatrixHttp.Response> rename = CompletableFuture.supplyAsync(() -> put(gina,
                    "/profile/" + MatrixHttp.encode(userId) + "/displayname", Map.of("displayname", "After")),
                    command -> Thread.ofVirtual().start(command));
            awaitTrue("the fan-out rewrote a first room", () -> firstDb.sql().sql("SELECT COUNT(*) FROM events "
                    + "WHERE type = 'm.room.member' AND state_key = ? AND stream_ordering > ?")
                    .params(userId, from).query(Long.class).single() > 0);
            // Hold the writer so the fan-out cannot go on, then shut the server down under it.
            CountDownLatch writerHeld = new CountDownLatch(1);
            CountDownLatch releaseWriter = new CountDownLatch(1);
            Thread.ofVirtual().start(() -> firstDb.write(() -> {
                writerHeld.countDown();
                awaitQuietly(releaseWriter);
            }));
            writerHeld.await();
            Thread closing = Thread.ofVirtual().start(first::close);
            FollowUps firstFollowUps = first.getBean(FollowUps.class);
            awaitTrue("shutdown began", () -> !firstFollowUps.isRunning());
            releaseWriter.countDown();
            closing.join(Duration.ofMinutes(1));
            assertThat(rename.get().status()).isEqualTo(200);  // the rename itself had committed
        }
        assertThat(count(dataDir, sameDatabase, "SELECT COUNT(*) FROM pending_fanout"))
                .as("the unfinished fan-out is still recorded").isEqualTo(1);
        assertThat(count(dataDir, sameDatabase, "SELECT COUNT(*) FROM events WHERE type = 'm.room.member' "
                + "AND state_key = '" + userId + "' AND stream_ordering > " + before))
                .as("the shutdown cut the fan-out short").isLessThan(rooms.size());

        try (ConfigurableApplicationContext second = start(dataDir, sameDatabase)) {
            http = new MatrixHttp(port(second));
            User gina = new User(userId, token, null);
            for (String roomId : rooms) {
                awaitTrue("member event in " + roomId + " carries the new name", () -> "After".equals(displayName(gina, roomId)));
            }
            awaitTrue("the follow-up is done", () -> second.getBean(FollowUps.class).pending() == 0);
        }
    }

    private String displayName(User user, String roomId) {
        return ok(get(user, room(roomId) + "/state/m.room.member/" + MatrixHttp.encode(user.userId())))
                .path("displayname").asString(null);
    }

    private static ConfigurableApplicationContext start(Path dataDir, String... more) {
        List<String> props = new ArrayList<>(List.of("bollwerk.data-dir=" + dataDir, "bollwerk.server-name=localhost",
                "bollwerk.rate-limit.enabled=false"));
        props.addAll(List.of(more));
        return new SpringApplicationBuilder(BollwerkApplication.class).properties(props.toArray(String[]::new))
                .run("--server.port=0");
    }

    /** On PostgreSQL every context gets a fresh schema; a restart must reuse the first one. */
    private static String[] sameDatabase(ConfigurableApplicationContext context) {
        String url = context.getEnvironment().getProperty("bollwerk.database.url", "");
        if (url.isEmpty()) return new String[0];
        return new String[]{"bollwerk.database.url=" + url,
                "bollwerk.database.user=" + context.getEnvironment().getProperty("bollwerk.database.user", "")};
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    /** Reads the stopped server's database directly (no server runs on it now). */
    private static long count(Path dataDir, String[] sameDatabase, String query) throws Exception {
        String url = sameDatabase.length == 0 ? "jdbc:sqlite:" + dataDir.resolve("bollwerk.db")
                : sameDatabase[0].substring("bollwerk.database.url=".length());
        String user = sameDatabase.length == 0 ? null : sameDatabase[1].substring("bollwerk.database.user=".length());
        try (Connection c = DriverManager.getConnection(url, user, "");
             ResultSet rows = c.createStatement().executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

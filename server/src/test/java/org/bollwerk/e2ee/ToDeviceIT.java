package org.bollwerk.e2ee;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class ToDeviceIT extends E2eeTestBase {

    private static List<String> bodies(JsonNode sync) {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode e : sync.path("to_device").path("events")) out.add(e.path("content").path("body").asString());
        return out;
    }

    private void sendTo(User from, User to, String device, String txnId, String body) {
        ok(put(from, "/sendToDevice/m.test/" + txnId,
                Map.of("messages", Map.of(to.userId(), Map.of(device, Map.of("body", body))))));
    }

    @Test
    void aMessageIsRedeliveredUntilTheDeviceSyncsPastItThenDeleted() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String first = sync(bob, null).path("next_batch").asString();
        sendTo(alice, bob, bob.deviceId(), "t1", "secret key");
        JsonNode delivered = sync(bob, first);
        assertThat(bodies(delivered)).containsExactly("secret key");
        JsonNode event = delivered.path("to_device").path("events").get(0);
        assertThat(event.path("sender").asString()).isEqualTo(alice.userId());
        assertThat(event.path("type").asString()).isEqualTo("m.test");
        // The response got lost: syncing again with the old token delivers it again.
        assertThat(bodies(sync(bob, first))).containsExactly("secret key");
        // The device acknowledges by syncing with the new token: gone for good.
        String next = delivered.path("next_batch").asString();
        assertThat(bodies(sync(bob, next))).isEmpty();
        assertThat(bodies(sync(bob, first))).isEmpty();
        assertThat(bodies(sync(bob, null))).isEmpty();
    }

    @Test
    void anInitialSyncDeliversPendingMessagesWithoutDeletingThem() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        sendTo(alice, bob, bob.deviceId(), "t1", "early");
        assertThat(bodies(sync(bob, null))).containsExactly("early");
        assertThat(bodies(sync(bob, null))).containsExactly("early");
    }

    @Test
    void theSameTransactionIdIsCarriedOutOnceAndStarReachesEveryDevice() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        User bobPhone = login(bob.userId().substring(1, bob.userId().indexOf(':')));
        sendTo(alice, bob, "*", "same", "to all");
        sendTo(alice, bob, "*", "same", "to all");
        assertThat(bodies(sync(bob, null))).containsExactly("to all");
        assertThat(bodies(sync(bobPhone, null))).containsExactly("to all");
        sendTo(alice, bob, bobPhone.deviceId(), "other", "phone only");
        assertThat(bodies(sync(bob, null))).containsExactly("to all");
        assertThat(bodies(sync(bobPhone, null))).containsExactly("to all", "phone only");
    }

    @Test
    void aWaitingSyncWakesForAToDeviceMessage() throws Exception {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String since = sync(bob, sync(bob, null).path("next_batch").asString()).path("next_batch").asString();  // the first incremental sync answers at once
        long start = System.nanoTime();
        CompletableFuture<JsonNode> waiting = CompletableFuture.supplyAsync(() -> sync(bob, since, 20_000));
        Thread.sleep(300);
        sendTo(alice, bob, bob.deviceId(), "wake", "wake up");
        assertThat(bodies(waiting.get())).containsExactly("wake up");
        assertThat(System.nanoTime() - start).isLessThan(15_000_000_000L);
    }

    @Test
    void manyMessagesArriveOverSeveralSyncsWithoutLoss() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String since = sync(bob, null).path("next_batch").asString();
        for (int i = 0; i < 250; i++) sendTo(alice, bob, bob.deviceId(), "m" + i, "msg" + i);
        List<String> received = new java.util.ArrayList<>();
        for (int round = 0; round < 10 && received.size() < 250; round++) {
            JsonNode body = sync(bob, since);
            List<String> got = bodies(body);
            assertThat(got.size()).isLessThanOrEqualTo(100);
            received.addAll(got);
            since = body.path("next_batch").asString();
        }
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 250; i++) expected.add("msg" + i);
        assertThat(received).isEqualTo(expected);
    }

    @org.springframework.beans.factory.annotation.Autowired
    org.bollwerk.storage.Db db;
    @org.springframework.beans.factory.annotation.Autowired
    E2eeProperties limits;

    /** Messages waiting for a device that does not sync, as if sent long ago (positions -count..-1, below any real one). */
    private void backlog(User to, int count) {
        db.write(() -> {
            db.sql().sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
                            + "INSERT INTO to_device_messages (user_id, device_id, stream_position, seq, sender, type, content) "
                            + "SELECT ?, ?, -i, 0, '@old:localhost', 'm.test', '{\"body\":\"old\"}' FROM n")
                    .params(count, to.userId(), to.deviceId()).update();
        });
    }

    @Test
    void aFullDeviceQueueRefusesTheSenderUntilTheDeviceSyncsAndNothingIsDropped() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        User carol = newUser("carol");
        String since = sync(bob, null).path("next_batch").asString();
        String carolSince = sync(carol, null).path("next_batch").asString();
        backlog(bob, limits.maxPendingToDevicePerDevice() - 1);
        sendTo(alice, bob, bob.deviceId(), "fits", "the last that fits");

        var full = put(alice, "/sendToDevice/m.test/over", Map.of("messages", Map.of(
                bob.userId(), Map.of(bob.deviceId(), Map.of("body", "one too many")),
                carol.userId(), Map.of("*", Map.of("body", "one too many")))));
        refused(full, 429, "M_LIMIT_EXCEEDED");
        assertThat(full.json().get("retry_after_ms").asLong()).isPositive();
        assertThat(full.json().get("error").asString()).contains(bob.deviceId());
        assertThat(bodies(sync(carol, carolSince))).isEmpty();  // refused whole: no partial delivery
        sendTo(alice, carol, carol.deviceId(), "other", "carol is not affected");

        // bob's device syncs past its backlog; the same request (same transaction ID) now goes through whole
        JsonNode caughtUp = sync(bob, since);
        assertThat(bodies(caughtUp)).containsExactly("the last that fits");
        String bobNext = caughtUp.path("next_batch").asString();
        assertThat(bodies(sync(bob, bobNext))).isEmpty();
        ok(put(alice, "/sendToDevice/m.test/over", Map.of("messages", Map.of(
                bob.userId(), Map.of(bob.deviceId(), Map.of("body", "one too many")),
                carol.userId(), Map.of("*", Map.of("body", "one too many"))))));
        assertThat(bodies(sync(carol, carolSince))).containsExactly("carol is not affected", "one too many");
        assertThat(bodies(sync(bob, bobNext))).containsExactly("one too many");
    }

    @Test
    void badRequestsAreRefusedAndTooManyMessagesGiveAClearError() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        refused(put(alice, "/sendToDevice/m.test/x1", Map.of()), 400, "M_MISSING_PARAM");
        refused(put(alice, "/sendToDevice/m.test/x2", Map.of("messages", List.of())), 400, "M_BAD_JSON");
        refused(put(alice, "/sendToDevice/m.test/x3", Map.of("messages", Map.of(bob.userId(), Map.of("D", "text")))),
                400, "M_BAD_JSON");
        refused(put(alice, "/sendToDevice/m.test/x4", Map.of("messages", Map.of("not-a-user", Map.of()))),
                400, "M_INVALID_PARAM");
        assertThat(bodies(sync(bob, null))).isEmpty();
    }

    @Test
    void aDeletedDeviceLosesItsPendingMessages() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        User bobPhone = login(bob.userId().substring(1, bob.userId().indexOf(':')));
        sendTo(alice, bob, bobPhone.deviceId(), "t", "for the phone");
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("type", "m.login.password");
        auth.put("identifier", Map.of("type", "m.id.user", "user", bob.userId()));
        auth.put("password", "secret-" + bob.userId().substring(1, bob.userId().indexOf(':')));
        ok(http.send("DELETE", V3 + "/devices/" + bobPhone.deviceId(), bob.token(), Map.of("auth", auth)));
        User again = login(bob.userId().substring(1, bob.userId().indexOf(':')));
        assertThat(again.deviceId()).isNotEqualTo(bobPhone.deviceId());
        assertThat(bodies(sync(again, null))).isEmpty();
    }
}

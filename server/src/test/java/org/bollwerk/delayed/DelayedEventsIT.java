package org.bollwerk.delayed;

import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Delayed events (MSC4140) as Element Call uses them: scheduled, restarted, cancelled, sent now or on time. */
class DelayedEventsIT extends ClientApiTestBase {
    private static final String MSC = "/_matrix/client/unstable/org.matrix.msc4140/delayed_events";

    private String scheduleMessage(User user, String roomId, String body, long delayMs) {
        return ok(http.send("PUT", V3 + room(roomId) + "/send/m.room.message/" + UUID.randomUUID()
                + "?org.matrix.msc4140.delay=" + delayMs, user.token(), Map.of("msgtype", "m.text", "body", body)))
                .get("delay_id").asString();
    }

    private MatrixHttp.Response action(String delayId, String action) {
        return http.send("POST", MSC + "/" + delayId + "/" + action, null, Map.of());
    }

    private JsonNode delayed(User user, String delayId) {
        return ok(http.get(MSC + "/" + delayId, user.token()));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within 15 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void aDelayedMessageIsSentWhenItsDelayRunsOutAndIsListedUntilThen() throws InterruptedException {
        User alice = newUser("alice");
        String roomId = createRoom(alice, Map.of("preset", "private_chat"));
        String delayId = scheduleMessage(alice, roomId, "I left the call", 1500);

        JsonNode scheduled = ok(http.get(MSC + "?status=scheduled", alice.token())).get("scheduled");
        assertThat(scheduled).hasSize(1);
        assertThat(scheduled.get(0).get("delay_id").asString()).isEqualTo(delayId);
        assertThat(scheduled.get(0).get("room_id").asString()).isEqualTo(roomId);
        assertThat(scheduled.get(0).get("delay").asLong()).isEqualTo(1500);
        assertThat(scheduled.get(0).get("content").get("body").asString()).isEqualTo("I left the call");
        assertThat(messageBodies(alice, roomId)).doesNotContain("I left the call");

        await("the delayed message", () -> messageBodies(alice, roomId).contains("I left the call"));
        JsonNode sent = delayed(alice, delayId);
        assertThat(sent.get("event_id").asString()).startsWith("$");
        assertThat(sent.has("origin_server_ts")).isTrue();
        assertThat(ok(http.get(MSC + "?status=scheduled", alice.token())).get("delayed_events")).isEmpty();
        JsonNode finalised = ok(http.get(MSC + "?status=finalised", alice.token()));
        assertThat(finalised.get("delayed_events")).hasSize(1);
        // The shape matrix-js-sdk reads: finalised entries with outcome and reason.
        assertThat(finalised.get("finalised").get(0).get("outcome").asString()).isEqualTo("send");
        assertThat(finalised.get("finalised").get(0).get("reason").asString()).isEqualTo("delay");
        assertThat(finalised.get("finalised").get(0).get("delayed_event").get("delay_id").asString()).isEqualTo(delayId);
        // Repeating an action that already happened succeeds; one that contradicts it answers 409.
        ok(action(delayId, "send"));
        refused(action(delayId, "cancel"), 409, "M_UNKNOWN");
    }

    @Test
    void aCancelledDelayedEventIsNeverSent() throws InterruptedException {
        User alice = newUser("alice");
        String roomId = createRoom(alice, Map.of("preset", "private_chat"));
        String delayId = scheduleMessage(alice, roomId, "never", 1000);
        ok(action(delayId, "cancel"));
        Thread.sleep(2500);
        assertThat(messageBodies(alice, roomId)).doesNotContain("never");
        ok(action(delayId, "cancel"));
        refused(action(delayId, "send"), 409, "M_UNKNOWN");
        refused(action(delayId, "restart"), 409, "M_UNKNOWN");
        assertThat(delayed(alice, delayId).has("event_id")).isFalse();
        JsonNode listed = ok(http.get(MSC + "?delay_id=" + delayId, alice.token()));
        assertThat(listed.get("scheduled")).isEmpty();
        assertThat(listed.get("finalised").get(0).get("outcome").asString()).isEqualTo("cancel");
        assertThat(listed.get("finalised").get(0).get("reason").asString()).isEqualTo("action");
    }

    @Test
    void aRestartMovesTheSendTimeBackAsAHeartbeatDoes() throws InterruptedException {
        User alice = newUser("alice");
        String roomId = createRoom(alice, Map.of("preset", "private_chat"));
        String delayId = scheduleMessage(alice, roomId, "heartbeat stopped", 4000);
        long firstStart = delayed(alice, delayId).get("running_since").asLong();
        Thread.sleep(2500);
        // The earlier shape of the management endpoint: the action in the body.
        ok(http.send("POST", MSC + "/" + delayId, null, Map.of("action", "restart")));
        assertThat(delayed(alice, delayId).get("running_since").asLong()).isGreaterThanOrEqualTo(firstStart + 2500);
        Thread.sleep(2500);  // past the first send time (4 s) plus a check interval
        assertThat(messageBodies(alice, roomId)).doesNotContain("heartbeat stopped");
        await("the restarted delayed message", () -> messageBodies(alice, roomId).contains("heartbeat stopped"));
    }

    @Test
    void sendSendsAScheduledStateEventAtOnce() {
        User alice = newUser("alice");
        String roomId = createRoom(alice, Map.of("preset", "private_chat"));
        String stateKey = "_" + alice.userId() + "_DEVICE";
        String delayId = ok(http.send("PUT", V3 + room(roomId) + "/state/org.matrix.msc3401.call.member/"
                + MatrixHttp.encode(stateKey) + "?org.matrix.msc4140.delay=600000", alice.token(), Map.of()))
                .get("delay_id").asString();
        assertThat(get(alice, room(roomId) + "/state/org.matrix.msc3401.call.member/" + MatrixHttp.encode(stateKey))
                .status()).isEqualTo(404);
        ok(action(delayId, "send"));
        assertThat(ok(get(alice, room(roomId) + "/state/org.matrix.msc3401.call.member/" + MatrixHttp.encode(stateKey))))
                .isEmpty();
        assertThat(delayed(alice, delayId).get("state_key").asString()).isEqualTo(stateKey);
    }

    @Test
    void theMscsOwnScheduleEndpointTakesDelayStateKeyAndContentInTheBody() {
        User alice = newUser("alice");
        String roomId = createRoom(alice, Map.of("preset", "private_chat"));
        String txn = UUID.randomUUID().toString();
        String path = "/_matrix/client/unstable/org.matrix.msc4140" + room(roomId) + "/delayed_event/m.room.topic/" + txn;
        Map<String, Object> body = Map.of("delay", 600000, "state_key", "", "content", Map.of("topic", "later"));
        String delayId = ok(http.send("PUT", path, alice.token(), body)).get("delay_id").asString();
        // The same transaction ID answers the same delayed event.
        assertThat(ok(http.send("PUT", path, alice.token(), body)).get("delay_id").asString()).isEqualTo(delayId);
        ok(action(delayId, "send"));
        assertThat(ok(get(alice, room(roomId) + "/state/m.room.topic/")).get("topic").asString()).isEqualTo("later");
    }

    @Test
    void aDelayedEventOfSomeoneWhoLeftTheRoomFailsQuietlyAndRecordsWhy() throws InterruptedException {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String roomId = privateRoomWith(alice, bob);
        String delayId = scheduleMessage(bob, roomId, "from beyond", 1000);
        ok(post(bob, room(roomId) + "/leave", Map.of()));
        await("the failure", () -> delayed(bob, delayId).has("error"));
        assertThat(delayed(bob, delayId).get("error").get("errcode").asString()).isEqualTo("M_FORBIDDEN");
        JsonNode failed = ok(http.get(MSC + "?status=finalised", bob.token())).get("finalised").get(0);
        assertThat(failed.get("outcome").asString()).isEqualTo("cancel");
        assertThat(failed.get("reason").asString()).isEqualTo("error");
        assertThat(messageBodies(alice, roomId)).doesNotContain("from beyond");
    }

    @Test
    void delaysBeyondTheMaximumRoomsNotJoinedAndUnknownIdsAreRefused() {
        User alice = newUser("alice");
        User eve = newUser("eve");
        String roomId = createRoom(alice, Map.of("preset", "public_chat"));
        MatrixHttp.Response tooLong = http.send("PUT", V3 + room(roomId) + "/send/m.room.message/t1"
                + "?org.matrix.msc4140.delay=" + (25L * 3600 * 1000), alice.token(), Map.of("body", "x"));
        refused(tooLong, 400, "M_UNKNOWN");
        assertThat(tooLong.json().get("org.matrix.msc4140.errcode").asString()).isEqualTo("M_MAX_DELAY_EXCEEDED");
        assertThat(tooLong.json().get("org.matrix.msc4140.max_delay").asLong()).isEqualTo(24L * 3600 * 1000);
        refused(http.send("PUT", V3 + room(roomId) + "/send/m.room.message/t2?org.matrix.msc4140.delay=0",
                alice.token(), Map.of("body", "x")), 400, "M_INVALID_PARAM");
        refused(http.send("PUT", V3 + room(roomId) + "/send/m.room.message/t3?org.matrix.msc4140.delay=1000",
                eve.token(), Map.of("body", "x")), 403, "M_FORBIDDEN");
        refused(http.send("PUT", V3 + room(roomId) + "/send/m.room.message/t4?org.matrix.msc4140.delay=1000",
                alice.token(), Map.of("body", "x".repeat(70_000))), 413, "M_TOO_LARGE");
        refused(action("no-such-delay", "send"), 404, "M_NOT_FOUND");
        refused(action("no-such-delay", "explode"), 400, "M_INVALID_PARAM");
        // Someone else's delayed event is not shown to another user.
        String delayId = scheduleMessage(alice, roomId, "mine", 600000);
        refused(http.get(MSC + "/" + delayId, eve.token()), 404, "M_NOT_FOUND");
        assertThat(ok(http.get(MSC, eve.token())).get("delayed_events")).isEmpty();
        ok(action(delayId, "cancel"));
    }

    @Test
    void aUserMayHaveOnlySoManyScheduledAtOnce() {
        User alice = newUser("alice");
        String roomId = createRoom(alice, Map.of("preset", "private_chat"));
        for (int i = 0; i < 100; i++) scheduleMessage(alice, roomId, "n" + i, 600000);
        MatrixHttp.Response full = http.send("PUT", V3 + room(roomId) + "/send/m.room.message/over"
                + "?org.matrix.msc4140.delay=1000", alice.token(), Map.of("body", "x"));
        refused(full, 429, "M_LIMIT_EXCEEDED");
        assertThat(full.json().get("retry_after_ms").asLong()).isPositive();
    }

    @Test
    void versionsAdvertisesDelayedEvents() {
        assertThat(ok(http.get("/_matrix/client/versions", null)).get("unstable_features")
                .get("org.matrix.msc4140").asBoolean()).isTrue();
    }
}

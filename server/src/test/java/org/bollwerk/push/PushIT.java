package org.bollwerk.push;

import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.MatrixHttp;
import org.bollwerk.testsupport.TestPushGateway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Push notifications end to end: events evaluated against the receivers' push rules, counts in /sync and
 * {@code /notifications}, and delivery to a real push gateway on loopback ({@link TestPushGateway}).
 */
class PushIT extends ClientApiTestBase {

    @BeforeAll
    static void gateway() {
        TestPushGateway.start();
    }

    private String setPusher(User user, String pushkey) {
        ok(post(user, "/pushers/set", Map.of("kind", "http", "app_id", "org.example.app", "pushkey", pushkey,
                "app_display_name", "App", "device_display_name", "Phone", "lang", "en",
                "data", Map.of("url", TestPushGateway.URL, "format", "event_id_only"))));
        return pushkey;
    }

    private static String pushkey(String name) {
        return name + "-" + MatrixHttp.uniqueLocalpart("key");
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within 20 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private JsonNode unread(User user, String roomId) {
        return ok(get(user, "/sync")).path("rooms").path("join").path(roomId).path("unread_notifications");
    }

    /** Waits for the counts of {@code roomId} to be as given (evaluation runs just after the commit). */
    private void awaitCounts(User user, String roomId, int notifications, int highlights) throws InterruptedException {
        await("counts " + notifications + "/" + highlights, () -> {
            JsonNode counts = unread(user, roomId);
            return counts.path("notification_count").asInt(-1) == notifications
                    && counts.path("highlight_count").asInt(-1) == highlights;
        });
    }

    @Test
    void aDirectMessageReachesTheGatewayAsIdsAndCountsWithoutContent() throws Exception {
        User alice = newUser("push-dm-a");
        User bob = newUser("push-dm-b");
        String roomId = privateRoomWith(alice, bob);
        // The invitation notified bob (evaluated just after its commit); the pusher is for what comes next.
        await("the invitation evaluated", () -> ok(get(bob, "/notifications")).path("notifications").size() == 1);
        String key = setPusher(bob, pushkey("dm"));
        String eventId = ok(send(alice, roomId, "the secret lunch plans")).get("event_id").asString();

        await("one push", () -> TestPushGateway.receivedFor(key).size() == 1);
        JsonNode notification = TestPushGateway.receivedFor(key).getFirst();
        assertThat(notification.path("event_id").asString()).isEqualTo(eventId);
        assertThat(notification.path("room_id").asString()).isEqualTo(roomId);
        assertThat(notification.path("counts").path("unread").asInt()).isEqualTo(1);
        assertThat(notification.path("prio").asString()).isEqualTo("high");
        JsonNode device = notification.path("devices").path(0);
        assertThat(device.path("app_id").asString()).isEqualTo("org.example.app");
        assertThat(device.path("pushkey_ts").isIntegralNumber()).isTrue();
        assertThat(device.path("data").has("url")).isFalse();
        assertThat(device.path("data").path("format").asString()).isEqualTo("event_id_only");
        for (String leak : List.of("content", "sender", "sender_display_name", "room_name", "type")) {
            assertThat(notification.has(leak)).as(leak).isFalse();
        }
        assertThat(notification.toString()).doesNotContain("lunch").doesNotContain(alice.userId());

        awaitCounts(bob, roomId, 1, 0);  // the invitation before bob joined does not count
        JsonNode listed = ok(get(bob, "/notifications")).path("notifications");
        assertThat(listed.size()).isEqualTo(2);  // the message and the invitation
        assertThat(listed.path(0).path("event").path("event_id").asString()).isEqualTo(eventId);
        assertThat(listed.path(0).path("room_id").asString()).isEqualTo(roomId);
        assertThat(listed.path(0).path("read").asBoolean(true)).isFalse();
        assertThat(listed.path(0).path("actions").path(0).asString()).isEqualTo("notify");
        assertThat(listed.path(0).path("ts").isIntegralNumber()).isTrue();
        assertThat(ok(get(alice, "/notifications")).path("notifications").isEmpty()).isTrue();

        ok(post(bob, room(roomId) + "/receipt/m.read/" + MatrixHttp.encode(eventId), Map.of()));
        awaitCounts(bob, roomId, 0, 0);
        assertThat(ok(get(bob, "/notifications")).path("notifications").path(0).path("read").asBoolean()).isTrue();
    }

    @Test
    void aMentionInAGroupRoomHighlightsWithHighPriority() throws Exception {
        User alice = newUser("push-m-a");
        User bob = newUser("push-m-b");
        User carol = newUser("push-m-c");
        String roomId = privateRoomWith(alice, bob, carol);
        String key = setPusher(carol, pushkey("mention"));
        String plainId = ok(send(alice, roomId, "txn-plain-" + key, Map.of("msgtype", "m.text", "body", "morning all")))
                .get("event_id").asString();
        String mention = ok(send(alice, roomId, "txn-mention-" + key, Map.of("msgtype", "m.text", "body", "carol, look",
                "m.mentions", Map.of("user_ids", List.of(carol.userId()))))).get("event_id").asString();

        await("two pushes", () -> TestPushGateway.receivedFor(key).size() == 2);
        // Sent concurrently: they may arrive in either order.
        JsonNode plain = TestPushGateway.receivedFor(key).stream()
                .filter(n -> n.path("event_id").asString().equals(plainId)).findFirst().orElseThrow();
        JsonNode highlighted = TestPushGateway.receivedFor(key).stream()
                .filter(n -> n.path("event_id").asString().equals(mention)).findFirst().orElseThrow();
        assertThat(plain.path("prio").asString()).isEqualTo("low");
        assertThat(highlighted.path("event_id").asString()).isEqualTo(mention);
        assertThat(highlighted.path("prio").asString()).isEqualTo("high");
        assertThat(highlighted.path("devices").path(0).path("tweaks").path("highlight").asBoolean()).isTrue();
        awaitCounts(carol, roomId, 2, 1);
        JsonNode only = ok(get(carol, "/notifications?only=highlight")).path("notifications");
        assertThat(only.size()).isEqualTo(1);
        assertThat(only.path(0).path("event").path("event_id").asString()).isEqualTo(mention);
    }

    @Test
    void aMutedRoomSendsNothingWhileAnotherRoomStillPushes() throws Exception {
        User alice = newUser("push-mute-a");
        User bob = newUser("push-mute-b");
        String muted = privateRoomWith(alice, bob);
        String other = privateRoomWith(alice, bob);
        String key = setPusher(bob, pushkey("mute"));
        ok(put(bob, "/pushrules/global/room/" + MatrixHttp.encode(muted), Map.of("actions", List.of())));
        ok(send(alice, muted, "nobody hears this"));
        String marker = ok(send(alice, other, "but this")).get("event_id").asString();

        await("the push of the other room", () -> !TestPushGateway.receivedFor(key).isEmpty());
        Thread.sleep(300);
        assertThat(TestPushGateway.receivedFor(key)).hasSize(1);
        assertThat(TestPushGateway.receivedFor(key).getFirst().path("event_id").asString()).isEqualTo(marker);
        awaitCounts(bob, other, 1, 0);
        assertThat(unread(bob, muted).path("notification_count").asInt()).isZero();
    }

    @Test
    void aGatewayThatWasDownGetsThePushOnceItIsBack() throws Exception {
        User alice = newUser("push-down-a");
        User bob = newUser("push-down-b");
        String roomId = privateRoomWith(alice, bob);
        String key = setPusher(bob, pushkey("down"));
        TestPushGateway.stop();
        String eventId;
        try {
            eventId = ok(send(alice, roomId, "while the gateway is down")).get("event_id").asString();
            Thread.sleep(2500);  // the first attempts fail and are scheduled again
        } finally {
            TestPushGateway.start();
        }
        await("the push after the gateway returned", () -> TestPushGateway.receivedFor(key).size() == 1);
        Thread.sleep(3000);  // later retries must not send it again
        assertThat(TestPushGateway.receivedFor(key)).hasSize(1);
        assertThat(TestPushGateway.receivedFor(key).getFirst().path("event_id").asString()).isEqualTo(eventId);
    }

    @Test
    void aPushkeyTheGatewayRejectsLosesItsPusher() throws Exception {
        User alice = newUser("push-rej-a");
        User bob = newUser("push-rej-b");
        String roomId = privateRoomWith(alice, bob);
        String key = setPusher(bob, pushkey("rejected"));
        TestPushGateway.reject(key);
        ok(send(alice, roomId, "to an uninstalled app"));
        await("the pusher removed", () -> ok(get(bob, "/pushers")).path("pushers").isEmpty());
        assertThat(TestPushGateway.receivedFor(key)).hasSize(1);
    }

    @Test
    void aPusherForAGatewayNotAllowedIsRefusedNamingTheSetting() {
        User bob = newUser("push-deny");
        MatrixHttp.Response refused = post(bob, "/pushers/set", Map.of("kind", "http", "app_id", "a", "pushkey", "k",
                "app_display_name", "App", "device_display_name", "Phone", "lang", "en",
                "data", Map.of("url", "https://push.elsewhere.example/_matrix/push/v1/notify")));
        refused(refused, 400, "M_INVALID_PARAM");
        assertThat(refused.json().path("error").asString()).contains("BOLLWERK_PUSH_ALLOWED_GATEWAYS");
        refused(post(bob, "/pushers/set", Map.of("kind", "http", "app_id", "a", "pushkey", "k",
                "app_display_name", "App", "device_display_name", "Phone", "lang", "en",
                "data", Map.of("url", TestPushGateway.URL.replace("/notify", "/other")))), 400, "M_INVALID_PARAM");
        assertThat(ok(get(bob, "/pushers")).path("pushers").isEmpty()).isTrue();
    }

    @Test
    void signingOutRemovesTheDevicesPushers() {
        User bob = newUser("push-logout");
        User phone = login(bob.userId().substring(1, bob.userId().indexOf(':')));
        setPusher(phone, pushkey("logout"));
        assertThat(ok(get(bob, "/pushers")).path("pushers").size()).isEqualTo(1);
        ok(post(phone, "/logout", Map.of()));
        assertThat(ok(get(bob, "/pushers")).path("pushers").isEmpty()).isTrue();
    }

    @Test
    void threadedReceiptsClearTheirThreadOnly() throws Exception {
        User alice = newUser("push-thr-a");
        User bob = newUser("push-thr-b");
        String roomId = privateRoomWith(alice, bob);
        String root = ok(send(alice, roomId, "root")).get("event_id").asString();
        String reply = ok(send(alice, roomId, "txn-reply-" + root, Map.of("msgtype", "m.text", "body", "in thread",
                "m.relates_to", Map.of("rel_type", "m.thread", "event_id", root)))).get("event_id").asString();
        String filter = MatrixHttp.encode("{\"room\":{\"timeline\":{\"unread_thread_notifications\":true}}}");
        await("thread counts", () -> {
            JsonNode joined = ok(get(bob, "/sync?filter=" + filter)).path("rooms").path("join").path(roomId);
            return joined.path("unread_notifications").path("notification_count").asInt() == 1
                    && joined.path("unread_thread_notifications").path(root).path("notification_count").asInt() == 1;
        });
        ok(post(bob, room(roomId) + "/receipt/m.read/" + MatrixHttp.encode(reply), Map.of("thread_id", root)));
        JsonNode joined = ok(get(bob, "/sync?filter=" + filter)).path("rooms").path("join").path(roomId);
        assertThat(joined.path("unread_notifications").path("notification_count").asInt()).isEqualTo(1);
        assertThat(joined.path("unread_thread_notifications").has(root)).isFalse();
        assertThat(unread(bob, roomId).path("notification_count").asInt()).isEqualTo(1);  // without the filter: all
        ok(post(bob, room(roomId) + "/receipt/m.read/" + MatrixHttp.encode(root), Map.of()));
        assertThat(unread(bob, roomId).path("notification_count").asInt()).isZero();
    }

    @Test
    void aRedactedMessageNoLongerCounts() throws Exception {
        User alice = newUser("push-red-a");
        User bob = newUser("push-red-b");
        String roomId = privateRoomWith(alice, bob);
        String eventId = ok(send(alice, roomId, "oops, wrong room")).get("event_id").asString();
        awaitCounts(bob, roomId, 1, 0);
        ok(put(alice, room(roomId) + "/redact/" + MatrixHttp.encode(eventId) + "/redact-" + eventId.substring(1, 8),
                Map.of()));
        awaitCounts(bob, roomId, 0, 0);
        assertThat(ok(get(bob, "/notifications")).path("notifications").findValuesAsString("event_id"))
                .doesNotContain(eventId);
    }
}

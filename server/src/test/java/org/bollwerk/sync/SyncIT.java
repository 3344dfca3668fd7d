package org.bollwerk.sync;

import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class SyncIT extends ClientApiTestBase {

    private JsonNode sync(User user, String since, int timeoutMs) {
        String query = "/sync?timeout=" + timeoutMs + (since == null ? "" : "&since=" + since);
        return ok(get(user, query));
    }

    @Test
    void initialSyncHasJoinedRoomsWithStateTimelineAndSummary() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String roomId = privateRoomWith(alice, bob);
        ok(send(alice, roomId, "hi bob"));
        JsonNode body = sync(bob, null, 0);
        JsonNode joined = body.path("rooms").path("join").path(roomId);
        assertThat(joined.isMissingNode()).isFalse();
        assertThat(joined.path("timeline").path("events").toString()).contains("hi bob");
        assertThat(joined.path("summary").path("m.heroes").toString()).contains(alice.userId());
        assertThat(joined.path("summary").path("m.joined_member_count").asInt()).isEqualTo(2);
        assertThat(body.path("account_data").path("events").toString()).contains("m.push_rules");
        assertThat(body.path("next_batch").asString()).startsWith("s");
        assertSyncShape(body);
        assertThat(names(joined)).containsExactly("timeline", "state", "ephemeral", "account_data",
                "unread_notifications", "summary");
        assertThat(names(joined.path("summary")))
                .containsExactly("m.heroes", "m.joined_member_count", "m.invited_member_count");
        assertThat(joined.path("summary").path("m.heroes").isArray()).isTrue();
        assertThat(joined.path("summary").path("m.invited_member_count").isInt()).isTrue();
        // An incremental sync with a message but no membership change: the same room without a summary.
        ok(send(alice, roomId, "again"));
        JsonNode next = sync(bob, body.path("next_batch").asString(), 0);
        assertSyncShape(next);
        assertThat(names(next.path("rooms").path("join").path(roomId)))
                .containsExactly("timeline", "state", "ephemeral", "account_data", "unread_notifications");
    }

    /**
     * The response's fixed structure, key for key and type for type (/sync is typed records, not maps; this
     * pins the JSON they produce): the same keys in the same order, optional ones absent rather than null.
     */
    private static void assertSyncShape(JsonNode body) {
        assertThat(names(body)).as(body.toString()).containsExactly("next_batch", "rooms", "account_data", "presence",
                "to_device", "device_lists", "device_one_time_keys_count", "device_unused_fallback_key_types");
        assertThat(body.path("next_batch").isString()).isTrue();
        assertThat(names(body.path("rooms"))).containsExactly("join", "invite", "leave", "knock");
        assertThat(body.path("rooms").path("knock").isEmpty()).isTrue();
        assertThat(names(body.path("account_data"))).containsExactly("events");
        assertThat(names(body.path("presence"))).containsExactly("events");
        assertThat(names(body.path("to_device"))).containsExactly("events");
        assertThat(names(body.path("device_lists"))).containsExactlyInAnyOrder("changed", "left");
        assertThat(body.path("device_lists").path("changed").isArray()).isTrue();
        assertThat(body.path("device_one_time_keys_count").isObject()).isTrue();
        assertThat(body.path("device_unused_fallback_key_types").isArray()).isTrue();
        for (JsonNode room : body.path("rooms").path("join")) {
            assertThat(names(room.path("timeline"))).containsExactly("events", "limited", "prev_batch");
            assertThat(room.path("timeline").path("events").isArray()).isTrue();
            assertThat(room.path("timeline").path("limited").isBoolean()).isTrue();
            assertThat(room.path("timeline").path("prev_batch").isString()).isTrue();
            for (String part : List.of("state", "ephemeral", "account_data")) {
                assertThat(names(room.path(part))).containsExactly("events");
                assertThat(room.path(part).path("events").isArray()).isTrue();
            }
            assertThat(names(room.path("unread_notifications")))
                    .containsExactlyInAnyOrder("notification_count", "highlight_count");
            assertThat(room.path("unread_notifications").path("notification_count").isInt()).isTrue();
            assertThat(room.path("unread_notifications").path("highlight_count").isInt()).isTrue();
        }
        assertNoNulls(body, "");
    }

    private static List<String> names(JsonNode object) {
        assertThat(object.isObject()).as(object.toString()).isTrue();
        return new ArrayList<>(object.propertyNames());
    }

    private static void assertNoNulls(JsonNode node, String path) {
        assertThat(node.isNull()).as("null at " + path).isFalse();
        if (node.isObject()) node.properties().forEach(e -> assertNoNulls(e.getValue(), path + "/" + e.getKey()));
        if (node.isArray()) for (int i = 0; i < node.size(); i++) assertNoNulls(node.get(i), path + "/" + i);
    }

    @Test
    void aWaitingSyncWakesForANewMessageAndEchoesTheTransactionIdToTheSenderOnly() throws Exception {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String roomId = privateRoomWith(alice, bob);
        String bobSince = sync(bob, sync(bob, null, 0).path("next_batch").asString(), 0).path("next_batch").asString();  // the first incremental sync answers at once
        String aliceSince = sync(alice, null, 0).path("next_batch").asString();
        int parked = parkedLongPolls();
        CompletableFuture<JsonNode> waiting = CompletableFuture.supplyAsync(() -> sync(bob, bobSince, 20_000));
        awaitParkedLongPolls(parked);  // so the message below wakes it rather than arriving first
        ok(send(alice, roomId, "echo-txn", Map.of("msgtype", "m.text", "body", "wake up")));
        JsonNode woken = waiting.get();
        JsonNode event = woken.path("rooms").path("join").path(roomId).path("timeline").path("events").path(0);
        assertThat(event.path("content").path("body").asString()).as(woken.toString()).isEqualTo("wake up");
        assertThat(event.path("unsigned").has("transaction_id")).isFalse();
        JsonNode own = sync(alice, aliceSince, 0).path("rooms").path("join").path(roomId).path("timeline").path("events").get(0);
        assertThat(own.path("unsigned").path("transaction_id").asString()).isEqualTo("echo-txn");
    }

    @Test
    void theFirstIncrementalSyncAfterAnInitialOneAnswersAtOnceAndTheNextOneWaits() throws Exception {
        User bob = newUser("bob");
        String initial = sync(bob, null, 0).path("next_batch").asString();
        long start = System.nanoTime();
        JsonNode first = sync(bob, initial, 20_000);  // an app shows "connected" only after this answer
        assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
        assertThat(first.path("rooms").path("join").size()).isZero();
        // Once only: the same token again is an ordinary long-poll.
        int parked = parkedLongPolls();
        CompletableFuture<JsonNode> again = CompletableFuture.supplyAsync(() -> sync(bob, initial, 20_000));
        awaitParkedLongPolls(parked);
        assertThat(again).isNotDone();
        again.cancel(true);
    }

    @Test
    void invitesAppearWithStrippedStateAndLeavesInTheLeaveSection() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String since = sync(bob, null, 0).path("next_batch").asString();
        String roomId = createRoom(alice, Map.of("preset", "private_chat", "name", "Secret plans",
                "invite", List.of(bob.userId())));
        JsonNode invited = sync(bob, since, 0);
        assertSyncShape(invited);
        JsonNode invite = invited.path("rooms").path("invite").path(roomId);
        assertThat(names(invite)).containsExactly("invite_state");
        assertThat(names(invite.path("invite_state"))).containsExactly("events");
        assertThat(invite.path("invite_state").path("events").toString()).contains("Secret plans", "m.room.join_rules");
        // The invitee's own member event comes whole: apps date the invitation by it.
        JsonNode ownInvite = null;
        for (JsonNode e : invite.path("invite_state").path("events")) {
            if (e.path("type").asString().equals("m.room.member") && e.path("state_key").asString().equals(bob.userId())) ownInvite = e;
        }
        assertThat(ownInvite).as(invite.toString()).isNotNull();
        assertThat(ownInvite.path("event_id").asString()).startsWith("$");
        assertThat(ownInvite.path("origin_server_ts").asLong()).isGreaterThan(1_700_000_000_000L);
        assertThat(ownInvite.path("content").path("membership").asString()).isEqualTo("invite");
        ok(post(bob, room(roomId) + "/join", Map.of()));
        String afterJoin = sync(bob, since, 0).path("next_batch").asString();
        ok(post(alice, room(roomId) + "/kick", Map.of("user_id", bob.userId())));
        JsonNode left = sync(bob, afterJoin, 0);
        assertSyncShape(left);
        JsonNode leave = left.path("rooms").path("leave").path(roomId);
        assertThat(names(leave)).containsExactly("timeline", "state", "account_data");
        assertThat(names(leave.path("timeline"))).containsExactly("events", "limited", "prev_batch");
        assertThat(leave.path("timeline").path("limited").isBoolean()).isTrue();
        assertThat(leave.path("timeline").path("events").toString()).contains("\"membership\":\"leave\"");
    }

    @Test
    void aLongGapGivesALimitedTimelineWhosePrevBatchPaginates() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String roomId = privateRoomWith(alice, bob);
        String since = sync(bob, null, 0).path("next_batch").asString();
        for (int i = 1; i <= 15; i++) ok(send(alice, roomId, "gap" + i));
        String filter = MatrixHttp.encode("{\"room\":{\"timeline\":{\"limit\":5}}}");
        JsonNode timeline = ok(get(bob, "/sync?since=" + since + "&filter=" + filter)).path("rooms").path("join")
                .path(roomId).path("timeline");
        assertThat(timeline.path("limited").asBoolean()).isTrue();
        assertThat(timeline.path("events")).hasSize(5);
        assertThat(timeline.path("events").get(4).path("content").path("body").asString()).isEqualTo("gap15");
        JsonNode older = ok(get(bob, room(roomId) + "/messages?dir=b&limit=3&from=" + timeline.path("prev_batch").asString()));
        assertThat(older.path("chunk").get(0).path("content").path("body").asString()).isEqualTo("gap10");
    }

    @Test
    void typingAndReceiptsArriveAsEphemeralEvents() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String roomId = privateRoomWith(alice, bob);
        String eventId = ok(send(alice, roomId, "read me")).get("event_id").asString();
        String since = sync(alice, null, 0).path("next_batch").asString();
        ok(put(bob, room(roomId) + "/typing/" + MatrixHttp.encode(bob.userId()), Map.of("typing", true, "timeout", 10_000)));
        ok(post(bob, room(roomId) + "/receipt/m.read/" + MatrixHttp.encode(eventId), Map.of()));
        JsonNode ephemeral = sync(alice, since, 0).path("rooms").path("join").path(roomId).path("ephemeral").path("events");
        assertThat(ephemeral.toString()).contains("m.typing", bob.userId(), "m.receipt", eventId);
        refused(put(bob, room(roomId) + "/typing/" + MatrixHttp.encode(alice.userId()), Map.of("typing", true)),
                403, "M_FORBIDDEN");
        refused(post(bob, room(roomId) + "/receipt/m.bogus/" + MatrixHttp.encode(eventId), Map.of()), 400, "M_INVALID_PARAM");
    }

    @Test
    void withLazyLoadedMembersAnIncrementalSyncOfOnlyTypingDoesNotRepeatTheOwnMembership() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String roomId = privateRoomWith(alice, bob);
        String lazy = MatrixHttp.encode("{\"room\":{\"state\":{\"lazy_load_members\":true}}}");
        JsonNode initial = ok(get(alice, "/sync?timeout=0&filter=" + lazy));
        assertThat(initial.path("rooms").path("join").path(roomId).toString()).contains("\"state_key\":\"" + alice.userId());
        ok(put(bob, room(roomId) + "/typing/" + MatrixHttp.encode(bob.userId()), Map.of("typing", true, "timeout", 10_000)));
        JsonNode next = ok(get(alice, "/sync?timeout=0&filter=" + lazy + "&since=" + initial.path("next_batch").asString()));
        JsonNode joined = next.path("rooms").path("join").path(roomId);
        assertThat(joined.path("ephemeral").toString()).contains("m.typing");
        assertThat(joined.path("state").path("events").size()).as(joined.toString()).isZero();
        // A new sender's membership still comes along with their message.
        ok(send(bob, roomId, "hello"));
        JsonNode withMessage = ok(get(alice, "/sync?timeout=0&filter=" + lazy + "&since=" + next.path("next_batch").asString()));
        assertThat(withMessage.path("rooms").path("join").path(roomId).path("state").toString()).contains(bob.userId());
    }

    @Test
    void badSyncParametersAreRefused() {
        User alice = newUser("alice");
        refused(get(alice, "/sync?since=garbage"), 400, "M_INVALID_PARAM");
        refused(get(alice, "/sync?timeout=soon"), 400, "M_INVALID_PARAM");
        refused(get(alice, "/sync?set_presence=dancing"), 400, "M_INVALID_PARAM");
        refused(get(alice, "/sync?filter=unknown-filter-id"), 404, "M_NOT_FOUND");
        refused(http.get(V3 + "/sync", null), 401, "M_MISSING_TOKEN");
        JsonNode future = sync(alice, "s999999999_0", 0);
        assertThat(future.path("next_batch").asString()).isNotEqualTo("s999999999_0");
    }

    /**
     * The stream design's promise: whatever order concurrent writes commit in (and in whatever batches
     * the writer commits them), a client that keeps syncing receives every acknowledged message exactly
     * once, and refused writes leave no trace.
     */
    @Test
    void concurrentSendersNeverLoseOrDuplicateAMessageForASyncingClient() throws Exception {
        User reader = newUser("reader");
        List<User> senders = new ArrayList<>();
        for (int i = 0; i < 4; i++) senders.add(newUser("sender"));
        String roomId = privateRoomWith(reader, senders.toArray(User[]::new));
        User intruder = newUser("intruder");
        String since = sync(reader, null, 0).path("next_batch").asString();

        Set<String> acknowledged = Collections.synchronizedSet(new HashSet<>());
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> sending = new ArrayList<>();
            // Refused writes share commit batches with accepted ones; they must roll back alone.
            sending.add(pool.submit(() -> {
                for (int i = 0; i < 25; i++) refused(send(intruder, roomId, "intrusion " + i), 403, "M_FORBIDDEN");
            }));
            for (User sender : senders) {
                sending.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        acknowledged.add(ok(send(sender, roomId, sender.userId() + "#" + i)).get("event_id").asString());
                    }
                }));
            }
            String token = since;
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                JsonNode body = ok(get(reader, "/sync?timeout=1000&since=" + token
                        + "&filter=" + MatrixHttp.encode("{\"room\":{\"timeline\":{\"limit\":1000}}}")));
                body.path("rooms").path("join").path(roomId).path("timeline").path("events").forEach(e -> {
                    if (e.path("type").asString().equals("m.room.message")) received.add(e.path("event_id").asString());
                });
                token = body.path("next_batch").asString();
                if (sending.stream().allMatch(Future::isDone) && received.size() >= acknowledged.size()) break;
            }
            for (Future<?> f : sending) f.get();
        }
        assertThat(acknowledged).hasSize(100);
        assertThat(received).doesNotHaveDuplicates();
        assertThat(new HashSet<>(received)).isEqualTo(acknowledged);
    }
}

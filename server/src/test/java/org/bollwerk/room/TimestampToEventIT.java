package org.bollwerk.room;

import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TimestampToEventIT extends ClientApiTestBase {
    private static final String V1 = "/_matrix/client/v1";

    @Test
    void findsTheClosestEventInEitherDirection() {
        User alice = newUser("alice");
        String roomId = createRoom(alice, Map.of());
        String first = ok(send(alice, roomId, "first")).get("event_id").asString();
        long firstTs = timestampOf(alice, roomId, first);
        awaitClockPast(firstTs);
        String second = ok(send(alice, roomId, "second")).get("event_id").asString();
        long secondTs = timestampOf(alice, roomId, second);

        JsonNode forwards = ok(lookup(alice, roomId, firstTs + 1, "f"));
        assertThat(forwards.get("event_id").asString()).isEqualTo(second);
        assertThat(forwards.get("origin_server_ts").asLong()).isEqualTo(secondTs);
        assertThat(ok(lookup(alice, roomId, secondTs - 1, "b")).get("event_id").asString()).isEqualTo(first);
        assertThat(ok(lookup(alice, roomId, secondTs, "b")).get("event_id").asString()).isEqualTo(second);
        refused(lookup(alice, roomId, secondTs + 60_000, "f"), 404, "M_NOT_FOUND");
        refused(lookup(alice, roomId, 0, "b"), 404, "M_NOT_FOUND");
    }

    @Test
    void historyTheUserMayNotSeeIsSkipped() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String roomId = createRoom(alice, Map.of("preset", "private_chat", "initial_state",
                List.of(Map.of("type", "m.room.history_visibility", "content", Map.of("history_visibility", "joined")))));
        String before = ok(send(alice, roomId, "before bob")).get("event_id").asString();
        long beforeTs = timestampOf(alice, roomId, before);
        awaitClockPast(beforeTs);
        ok(post(alice, room(roomId) + "/invite", Map.of("user_id", bob.userId())));
        ok(post(bob, room(roomId) + "/join", Map.of()));
        String after = ok(send(alice, roomId, "after bob")).get("event_id").asString();

        // Backwards, bob skips the hidden message and lands on state from before history became "joined".
        String earlier = ok(lookup(bob, roomId, beforeTs, "b")).get("event_id").asString();
        assertThat(earlier).isNotEqualTo(before);
        assertThat(ok(get(bob, room(roomId) + "/event/" + MatrixHttp.encode(earlier))).get("type").asString())
                .isNotEqualTo("m.room.message");
        refused(get(bob, room(roomId) + "/event/" + MatrixHttp.encode(before)), 404, "M_NOT_FOUND");
        assertThat(ok(lookup(alice, roomId, beforeTs, "b")).get("event_id").asString()).isEqualTo(before);
        // Forwards from before the join, bob lands on his own membership, never on the hidden message.
        String found = ok(lookup(bob, roomId, beforeTs, "f")).get("event_id").asString();
        assertThat(found).isNotEqualTo(before);
        assertThat(ok(lookup(bob, roomId, timestampOf(alice, roomId, after), "f")).get("event_id").asString())
                .isIn(after, found);
    }

    @Test
    void aStrangerLearnsNothingAboutThePrivateRoom() {
        User alice = newUser("alice");
        User stranger = newUser("stranger");
        String roomId = createRoom(alice, Map.of("preset", "private_chat"));
        ok(send(alice, roomId, "secret"));
        MatrixHttp.Response probe = lookup(stranger, roomId, 0, "f");
        MatrixHttp.Response unknown = lookup(stranger, "!doesnotexist:localhost", 0, "f");
        assertThat(probe.status()).isEqualTo(403);
        assertThat(probe.text()).isEqualTo(unknown.text());
    }

    @Test
    void badParametersAreRefused() {
        User alice = newUser("alice");
        String roomId = createRoom(alice, Map.of());
        String path = V1 + room(roomId) + "/timestamp_to_event";
        refused(http.get(path + "?ts=1&dir=x", alice.token()), 400, "M_INVALID_PARAM");
        refused(http.get(path + "?ts=soon&dir=f", alice.token()), 400, "M_INVALID_PARAM");
        refused(http.get(path + "?ts=-5&dir=f", alice.token()), 400, "M_INVALID_PARAM");
        refused(http.get(path + "?dir=f", alice.token()), 400, "M_INVALID_PARAM");
        refused(http.get(path + "?ts=1", alice.token()), 400, "M_INVALID_PARAM");
        refused(http.get(V1 + "/rooms/not-a-room/timestamp_to_event?ts=1&dir=f", alice.token()), 400, "M_INVALID_PARAM");
    }

    private MatrixHttp.Response lookup(User user, String roomId, long ts, String dir) {
        return http.get(V1 + room(roomId) + "/timestamp_to_event?ts=" + ts + "&dir=" + dir, user.token());
    }

    private long timestampOf(User user, String roomId, String eventId) {
        return ok(get(user, room(roomId) + "/event/" + MatrixHttp.encode(eventId))).get("origin_server_ts").asLong();
    }

    /** Waits (bounded) until the clock has moved past {@code ts}, so the next event gets a later timestamp. */
    private static void awaitClockPast(long ts) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.currentTimeMillis() <= ts) {
            assertThat(System.nanoTime()).as("clock did not advance").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}

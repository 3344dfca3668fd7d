package org.bollwerk.room;

import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryIT extends ClientApiTestBase {

    @Test
    void messagesPageBackwardsAndForwardsWithTokens() {
        User alice = newUser("alice");
        String roomId = createRoom(alice, Map.of());
        for (int i = 1; i <= 12; i++) ok(send(alice, roomId, "m" + i));
        List<String> backwards = new ArrayList<>();
        String from = null;
        for (int page = 0; page < 20; page++) {
            JsonNode body = ok(get(alice, room(roomId) + "/messages?dir=b&limit=5"
                    + (from == null ? "" : "&from=" + from)));
            body.get("chunk").forEach(e -> {
                if (e.path("type").asString().equals("m.room.message")) backwards.add(e.path("content").path("body").asString());
            });
            if (!body.has("end")) break;
            from = body.get("end").asString();
        }
        assertThat(backwards).containsExactly("m12", "m11", "m10", "m9", "m8", "m7", "m6", "m5", "m4", "m3", "m2", "m1");

        JsonNode forward = ok(get(alice, room(roomId) + "/messages?dir=f&limit=100"));
        List<String> bodies = new ArrayList<>();
        forward.get("chunk").forEach(e -> {
            if (e.path("type").asString().equals("m.room.message")) bodies.add(e.path("content").path("body").asString());
        });
        assertThat(bodies).startsWith("m1", "m2").endsWith("m12");
    }

    @Test
    void joinedHistoryVisibilityHidesWhatHappenedBeforeTheJoin() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String roomId = createRoom(alice, Map.of("preset", "private_chat", "initial_state",
                List.of(Map.of("type", "m.room.history_visibility", "content", Map.of("history_visibility", "joined")))));
        ok(send(alice, roomId, "before bob"));
        ok(post(alice, room(roomId) + "/invite", Map.of("user_id", bob.userId())));
        ok(post(bob, room(roomId) + "/join", Map.of()));
        ok(send(alice, roomId, "after bob"));
        assertThat(messageBodies(bob, roomId)).containsExactly("after bob");
        assertThat(messageBodies(alice, roomId)).containsExactly("before bob", "after bob");
    }

    @Test
    void aFormerMemberSeesHistoryOnlyUpToTheirLeave() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String roomId = privateRoomWith(alice, bob);
        ok(send(alice, roomId, "while bob was here"));
        ok(post(bob, room(roomId) + "/leave", Map.of()));
        ok(send(alice, roomId, "after bob left"));
        assertThat(messageBodies(bob, roomId)).containsExactly("while bob was here");
    }

    @Test
    void contextReturnsEventsAroundAnEvent() {
        User alice = newUser("alice");
        String roomId = createRoom(alice, Map.of());
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) ids.add(ok(send(alice, roomId, "c" + i)).get("event_id").asString());
        JsonNode context = ok(get(alice, room(roomId) + "/context/" + MatrixHttp.encode(ids.get(2)) + "?limit=2"));
        assertThat(context.path("event").path("content").path("body").asString()).isEqualTo("c3");
        assertThat(context.path("events_before").get(0).path("content").path("body").asString()).isEqualTo("c2");
        assertThat(context.path("events_after").get(0).path("content").path("body").asString()).isEqualTo("c4");
        assertThat(context.has("start") && context.has("end")).isTrue();
    }

    @Test
    void membersCanBeFilteredByMembership() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        User carol = newUser("carol");
        String roomId = privateRoomWith(alice, bob);
        ok(post(alice, room(roomId) + "/invite", Map.of("user_id", carol.userId())));
        JsonNode invited = ok(get(alice, room(roomId) + "/members?membership=invite")).get("chunk");
        assertThat(invited).hasSize(1);
        assertThat(invited.get(0).path("state_key").asString()).isEqualTo(carol.userId());
        assertThat(ok(get(alice, room(roomId) + "/members?not_membership=invite")).get("chunk")).hasSize(2);
        refused(get(alice, room(roomId) + "/members?membership=bogus"), 400, "M_INVALID_PARAM");
        refused(get(alice, room(roomId) + "/messages?dir=x"), 400, "M_INVALID_PARAM");
        refused(get(alice, room(roomId) + "/messages?limit=abc"), 400, "M_INVALID_PARAM");
        refused(get(alice, room(roomId) + "/messages?from=garbage"), 400, "M_INVALID_PARAM");
    }

    @Test
    void threadsAndRelationsListRepliesToARoot() {
        User alice = newUser("alice");
        String roomId = createRoom(alice, Map.of());
        String root = ok(send(alice, roomId, "root")).get("event_id").asString();
        ok(send(alice, roomId, "t-reply-1", Map.of("msgtype", "m.text", "body", "in thread",
                "m.relates_to", Map.of("rel_type", "m.thread", "event_id", root))));
        JsonNode relations = ok(http.get("/_matrix/client/v1/rooms/" + MatrixHttp.encode(roomId) + "/relations/"
                + MatrixHttp.encode(root) + "/m.thread", alice.token()));
        assertThat(relations.get("chunk")).hasSize(1);
        JsonNode threads = ok(http.get("/_matrix/client/v1/rooms/" + MatrixHttp.encode(roomId) + "/threads", alice.token()));
        assertThat(threads.get("chunk").get(0).path("event_id").asString()).isEqualTo(root);
    }
}

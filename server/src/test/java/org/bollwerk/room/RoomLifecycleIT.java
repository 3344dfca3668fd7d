package org.bollwerk.room;

import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RoomLifecycleIT extends ClientApiTestBase {

    @Test
    void createRoomWritesTheSpecSequenceAndMakesTheCreatorAdmin() {
        User alice = newUser("alice");
        String roomId = createRoom(alice, Map.of("preset", "private_chat", "name", "Plans", "topic", "Q3"));
        JsonNode state = ok(get(alice, room(roomId) + "/state"));
        List<String> types = new ArrayList<>();
        state.forEach(e -> types.add(e.get("type").asString()));
        assertThat(types).containsSubsequence("m.room.create", "m.room.member", "m.room.power_levels",
                "m.room.join_rules", "m.room.history_visibility", "m.room.name", "m.room.topic");
        JsonNode levels = ok(get(alice, room(roomId) + "/state/m.room.power_levels/"));
        assertThat(levels.path("users").path(alice.userId()).asInt()).isEqualTo(100);
        assertThat(ok(get(alice, room(roomId) + "/state/m.room.join_rules")).path("join_rule").asString()).isEqualTo("invite");
        assertThat(ok(get(alice, "/joined_rooms")).path("joined_rooms").toString()).contains(roomId);
    }

    @Test
    void eventIdsAreReferenceHashesAndEventsCarryClientFormatOnly() {
        User alice = newUser("alice");
        String roomId = createRoom(alice, Map.of());
        String eventId = ok(send(alice, roomId, "hello")).get("event_id").asString();
        assertThat(eventId).matches("\\$[A-Za-z0-9_-]{43}");
        JsonNode event = ok(get(alice, room(roomId) + "/event/" + MatrixHttp.encode(eventId)));
        assertThat(event.path("content").path("body").asString()).isEqualTo("hello");
        assertThat(event.has("hashes") || event.has("signatures") || event.has("auth_events")).isFalse();
    }

    @Test
    void aPrivateRoomNeedsAnInviteAndTheInviteeCanJoin() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        User mallory = newUser("mallory");
        String roomId = createRoom(alice, Map.of("preset", "private_chat"));
        refused(post(mallory, room(roomId) + "/join", Map.of()), 403, "M_FORBIDDEN");
        ok(post(alice, room(roomId) + "/invite", Map.of("user_id", bob.userId())));
        ok(post(bob, room(roomId) + "/join", Map.of()));
        JsonNode joined = ok(get(alice, room(roomId) + "/joined_members")).get("joined");
        assertThat(joined.has(bob.userId())).isTrue();
        assertThat(joined.has(mallory.userId())).isFalse();
    }

    @Test
    void sendingIsIdempotentPerDeviceAndTransactionId() {
        User alice = newUser("alice");
        String roomId = createRoom(alice, Map.of());
        Map<String, String> content = Map.of("msgtype", "m.text", "body", "once");
        String first = ok(send(alice, roomId, "same-txn", content)).get("event_id").asString();
        String again = ok(send(alice, roomId, "same-txn", content)).get("event_id").asString();
        assertThat(again).isEqualTo(first);
        assertThat(messageBodies(alice, roomId)).containsExactly("once");
    }

    @Test
    void nonMembersCanNeitherReadNorSendAndNothingIsWritten() {
        User alice = newUser("alice");
        User eve = newUser("eve");
        String roomId = createRoom(alice, Map.of("preset", "private_chat"));
        send(alice, roomId, "secret");
        refused(send(eve, roomId, "intrusion"), 403, "M_FORBIDDEN");
        refused(get(eve, room(roomId) + "/messages?dir=b"), 403, "M_FORBIDDEN");
        refused(get(eve, room(roomId) + "/state"), 403, "M_FORBIDDEN");
        refused(get(eve, room(roomId) + "/members"), 403, "M_FORBIDDEN");
        assertThat(messageBodies(alice, roomId)).containsExactly("secret");
    }

    @Test
    void powerLevelsGuardStateChangesKicksAndBans() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String roomId = privateRoomWith(alice, bob);
        refused(put(bob, room(roomId) + "/state/m.room.name/", Map.of("name", "Hijacked")), 403, "M_FORBIDDEN");
        refused(post(bob, room(roomId) + "/kick", Map.of("user_id", alice.userId())), 403, "M_FORBIDDEN");
        assertThat(ok(get(alice, room(roomId) + "/state/m.room.name/")).path("name").asString()).isEqualTo("Room");

        ok(post(alice, room(roomId) + "/ban", Map.of("user_id", bob.userId(), "reason", "spam")));
        refused(post(bob, room(roomId) + "/join", Map.of()), 403, "M_FORBIDDEN");
        ok(post(alice, room(roomId) + "/unban", Map.of("user_id", bob.userId())));
        ok(post(alice, room(roomId) + "/invite", Map.of("user_id", bob.userId())));
        ok(post(bob, room(roomId) + "/join", Map.of()));
        ok(post(alice, room(roomId) + "/kick", Map.of("user_id", bob.userId())));
        assertThat(ok(get(alice, room(roomId) + "/joined_members")).get("joined").has(bob.userId())).isFalse();
    }

    @Test
    void redactionPrunesContentAndNeedsPowerForOthersEvents() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String roomId = privateRoomWith(alice, bob);
        String aliceEvent = ok(send(alice, roomId, "alice says")).get("event_id").asString();
        String bobEvent = ok(send(bob, roomId, "bob says")).get("event_id").asString();
        refused(put(bob, room(roomId) + "/redact/" + MatrixHttp.encode(aliceEvent) + "/r1", Map.of()), 403, "M_FORBIDDEN");
        ok(put(bob, room(roomId) + "/redact/" + MatrixHttp.encode(bobEvent) + "/r2", Map.of("reason", "typo")));
        ok(put(alice, room(roomId) + "/redact/" + MatrixHttp.encode(aliceEvent) + "/r3", Map.of()));
        JsonNode redacted = ok(get(alice, room(roomId) + "/event/" + MatrixHttp.encode(bobEvent)));
        assertThat(redacted.path("content").size()).isZero();
        assertThat(redacted.path("unsigned").has("redacted_because")).isTrue();
    }

    @Test
    void leaveAndForgetRemoveTheRoomFromTheUsersList() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String roomId = privateRoomWith(alice, bob);
        refused(post(bob, room(roomId) + "/forget", Map.of()), 400, "M_UNKNOWN");
        ok(post(bob, room(roomId) + "/leave", Map.of()));
        ok(post(bob, room(roomId) + "/forget", Map.of()));
        assertThat(ok(get(bob, "/joined_rooms")).path("joined_rooms").toString()).doesNotContain(roomId);
        refused(post(bob, room(roomId) + "/leave", Map.of()), 403, "M_FORBIDDEN");
    }

    @Test
    void aliasesResolveAndPublicRoomsListPublishedRooms() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String localpart = MatrixHttp.uniqueLocalpart("lobby");
        String roomId = createRoom(alice, Map.of("preset", "public_chat", "visibility", "public",
                "room_alias_name", localpart, "name", "Lobby " + localpart));
        String alias = "#" + localpart + ":localhost";
        assertThat(ok(get(bob, "/directory/room/" + MatrixHttp.encode(alias))).path("room_id").asString()).isEqualTo(roomId);
        ok(post(bob, "/join/" + MatrixHttp.encode(alias), Map.of()));
        JsonNode found = ok(post(bob, "/publicRooms", Map.of("filter", Map.of("generic_search_term", localpart))));
        assertThat(found.path("chunk").toString()).contains(roomId);
        refused(get(bob, "/directory/room/" + MatrixHttp.encode("#missing-" + localpart + ":localhost")), 404, "M_NOT_FOUND");
        refused(put(bob, "/directory/room/" + MatrixHttp.encode(alias), Map.of("room_id", roomId)), 409, "M_UNKNOWN");
    }

    @Test
    void badInputGetsTheSpecErrorAndChangesNothing() {
        User alice = newUser("alice");
        String roomId = createRoom(alice, Map.of());
        refused(send(alice, roomId, "t-float", "{\"body\": 1.5}"), 400, "M_BAD_JSON");
        refused(send(alice, roomId, "t-notjson", "{\"body\": "), 400, "M_NOT_JSON");
        refused(send(alice, roomId, "t-array", "[1,2]"), 400, "M_BAD_JSON");
        refused(send(alice, roomId, "t-big", Map.of("body", "x".repeat(70_000))), 413, "M_TOO_LARGE");
        refused(http.send("PUT", V3 + "/rooms/not-a-room/send/m.room.message/t1", alice.token(), Map.of()),
                400, "M_INVALID_PARAM");
        refused(get(alice, room(roomId) + "/event/" + MatrixHttp.encode("$doesnotexist")), 404, "M_NOT_FOUND");
        refused(post(alice, "/createRoom", Map.of("room_version", "999")), 400, "M_UNSUPPORTED_ROOM_VERSION");
        refused(post(alice, "/createRoom", Map.of("invite", "not-a-list")), 400, "M_BAD_JSON");
        refused(post(alice, room(roomId) + "/invite", Map.of("user_id", "not-a-user")), 400, "M_INVALID_PARAM");
        refused(http.send("PUT", V3 + room(roomId) + "/send/m.room.message/t2", null, Map.of()), 401, "M_MISSING_TOKEN");
        refused(http.send("PUT", V3 + room(roomId) + "/send/m.room.message/t3", "bogus", Map.of()), 401, "M_UNKNOWN_TOKEN");
        assertThat(messageBodies(alice, roomId)).isEmpty();
    }
}

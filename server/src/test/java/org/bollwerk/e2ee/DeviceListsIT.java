package org.bollwerk.e2ee;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class DeviceListsIT extends E2eeTestBase {

    private static List<String> changed(JsonNode sync) {
        return strings(sync.path("device_lists").path("changed"));
    }

    private static List<String> left(JsonNode sync) {
        return strings(sync.path("device_lists").path("left"));
    }

    private String localpart(User user) {
        return user.userId().substring(1, user.userId().indexOf(':'));
    }

    @Test
    void aNewDeviceOfSomeoneInASharedRoomShowsUpAsChangedAndWakesTheSync() throws Exception {
        User alice = newUser("alice");
        User bob = newUser("bob");
        User stranger = newUser("stranger");
        privateRoomWith(alice, bob);
        String since = sync(bob, sync(bob, null).path("next_batch").asString()).path("next_batch").asString();  // the first incremental sync answers at once
        String strangerSince = sync(stranger, null).path("next_batch").asString();
        int parked = parkedLongPolls();
        CompletableFuture<JsonNode> waiting = CompletableFuture.supplyAsync(() -> sync(bob, since, 20_000));
        awaitParkedLongPolls(parked);  // so the message below wakes it rather than arriving first
        User alicePhone = login(localpart(alice));
        uploadIdentity(alicePhone);
        JsonNode woken = waiting.get();
        assertThat(changed(woken)).contains(alice.userId());
        assertThat(changed(sync(stranger, strangerSince))).doesNotContain(alice.userId());
        // The user's own other devices learn it too.
        assertThat(changed(sync(alice, since))).contains(alice.userId());
        JsonNode keyChanges = ok(get(bob, "/keys/changes?from=" + since + "&to=" + woken.path("next_batch").asString()));
        assertThat(strings(keyChanges.path("changed"))).contains(alice.userId());
    }

    @Test
    void aDeletedDeviceShowsUpAsChanged() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        privateRoomWith(alice, bob);
        User alicePhone = login(localpart(alice));
        uploadIdentity(alicePhone);
        String since = sync(bob, null).path("next_batch").asString();
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("type", "m.login.password");
        auth.put("identifier", Map.of("type", "m.id.user", "user", alice.userId()));
        auth.put("password", "secret-" + localpart(alice));
        ok(http.send("DELETE", V3 + "/devices/" + alicePhone.deviceId(), alice.token(), Map.of("auth", auth)));
        assertThat(changed(sync(bob, since))).contains(alice.userId());
        JsonNode query = ok(post(bob, "/keys/query", Map.of("device_keys", Map.of(alice.userId(), List.of()))));
        assertThat(query.path("device_keys").path(alice.userId()).has(alicePhone.deviceId())).isFalse();
    }

    @Test
    void joiningASharedRoomMarksBothSidesChangedAndLeavingTheLastSharedRoomMarksLeft() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String roomId = createRoom(alice, Map.of("preset", "private_chat", "invite", List.of(bob.userId())));
        String aliceSince = sync(alice, null).path("next_batch").asString();
        String bobSince = sync(bob, null).path("next_batch").asString();
        ok(post(bob, "/join/" + org.bollwerk.testsupport.MatrixHttp.encode(roomId), Map.of()));
        JsonNode aliceSync = sync(alice, aliceSince);
        assertThat(changed(aliceSync)).contains(bob.userId());
        JsonNode bobSync = sync(bob, bobSince);
        assertThat(changed(bobSync)).contains(alice.userId());
        aliceSince = aliceSync.path("next_batch").asString();
        bobSince = bobSync.path("next_batch").asString();

        ok(post(bob, room(roomId) + "/leave", Map.of()));
        JsonNode afterLeave = sync(alice, aliceSince);
        assertThat(left(afterLeave)).contains(bob.userId());
        assertThat(changed(afterLeave)).doesNotContain(bob.userId());
        assertThat(left(sync(bob, bobSince))).contains(alice.userId());

        // Rejoining: the known trap. Bob must come back as changed, not stay "left".
        ok(post(alice, room(roomId) + "/invite", Map.of("user_id", bob.userId())));
        String beforeRejoin = afterLeave.path("next_batch").asString();
        ok(post(bob, "/join/" + org.bollwerk.testsupport.MatrixHttp.encode(roomId), Map.of()));
        JsonNode rejoined = sync(alice, beforeRejoin);
        assertThat(changed(rejoined)).contains(bob.userId());
        assertThat(left(rejoined)).doesNotContain(bob.userId());
    }

    @Test
    void leavingOneOfTwoSharedRoomsIsNotLeft() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String first = privateRoomWith(alice, bob);
        privateRoomWith(alice, bob);
        String since = sync(alice, null).path("next_batch").asString();
        ok(post(bob, room(first) + "/leave", Map.of()));
        JsonNode body = sync(alice, since);
        assertThat(left(body)).doesNotContain(bob.userId());
    }

    @Test
    void everySyncCarriesCountsAndFallbackTypesEvenWhenEmpty() {
        User alice = newUser("alice");
        JsonNode initial = sync(alice, null);
        assertThat(initial.path("device_one_time_keys_count").path("signed_curve25519").isInt()).isTrue();
        assertThat(initial.path("device_unused_fallback_key_types").isArray()).isTrue();
        assertThat(initial.path("device_lists").path("changed").isArray()).isTrue();
        assertThat(initial.path("to_device").path("events").isArray()).isTrue();
        JsonNode incremental = sync(alice, initial.path("next_batch").asString());
        assertThat(incremental.path("device_one_time_keys_count").path("signed_curve25519").isInt()).isTrue();
        assertThat(incremental.path("device_unused_fallback_key_types").isArray()).isTrue();
    }
}

package org.bollwerk.userdata;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user whose app stops syncing goes offline after {@code bollwerk.presence.offline-after} (shortened here),
 * others see the change in their sync, and syncing again brings the user back online.
 */
@TestPropertySource(properties = {"bollwerk.presence.offline-after=3s", "bollwerk.presence.flush-interval=1s",
        "bollwerk.presence.check-interval=500ms"})
class PresenceTimeoutIT extends UserdataTestBase {

    @Test
    void aUserWhoStopsSyncingGoesOfflineAndComesBackWithTheNextSync() throws InterruptedException {
        User watcher = newUser("pres-watch");
        User quiet = newUser("pres-quiet");
        String room = post(quiet, "/_matrix/client/v3/createRoom", "{\"preset\":\"public_chat\"}").assertOk()
                .body().get("room_id").asString();
        post(watcher, "/_matrix/client/v3/join/" + enc(room), "{}").assertOk();
        String statusPath = "/_matrix/client/v3/presence/" + enc(quiet.userId()) + "/status";

        get(quiet, "/_matrix/client/v3/sync?timeout=0").assertOk();  // no set_presence: marked online
        assertThat(get(watcher, statusPath).assertOk().body().get("presence").asString()).isEqualTo("online");
        String since = get(watcher, "/_matrix/client/v3/sync?timeout=0").assertOk().body().get("next_batch").asString();

        // The watcher keeps syncing (and stays online); the quiet user's app is gone.
        long deadline = System.currentTimeMillis() + 20_000;
        String state = "online";
        while (!state.equals("offline") && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
            get(watcher, "/_matrix/client/v3/sync?timeout=0").assertOk();
            state = get(watcher, statusPath).assertOk().body().get("presence").asString();
        }
        assertThat(state).as("presence of a user who stopped syncing").isEqualTo("offline");
        assertThat(get(watcher, "/_matrix/client/v3/presence/" + enc(watcher.userId()) + "/status").assertOk()
                .body().get("presence").asString()).as("a user who keeps syncing stays online").isEqualTo("online");
        assertThat(presenceIn(get(watcher, "/_matrix/client/v3/sync?timeout=0&since=" + enc(since)).assertOk().body(),
                quiet.userId())).isEqualTo("offline");

        get(quiet, "/_matrix/client/v3/sync?timeout=0").assertOk();
        assertThat(get(watcher, statusPath).assertOk().body().get("presence").asString()).isEqualTo("online");
    }

    /** The last m.presence state of {@code userId} in a sync response, or null. */
    private static String presenceIn(JsonNode sync, String userId) {
        String state = null;
        for (JsonNode event : sync.path("presence").path("events")) {
            if (userId.equals(event.path("sender").asString())) state = event.path("content").path("presence").asString();
        }
        return state;
    }
}

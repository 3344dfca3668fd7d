package org.bollwerk.userdata;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DirectoryAndPresenceIT extends UserdataTestBase {

    @Autowired
    PresenceService presence;

    @Autowired
    org.bollwerk.storage.Db db;

    private static List<String> userIds(JsonNode results) {
        List<String> ids = new ArrayList<>();
        results.forEach(r -> ids.add(r.get("user_id").asString()));
        return ids;
    }

    @Test
    void directoryFindsUsersByLocalpartOrDisplayNameIgnoringCase() {
        User searcher = newUser("dir-searcher");
        User zed = newUser("zedonius", "Zora Quartermain");
        JsonNode byName = post(searcher, "/_matrix/client/v3/user_directory/search",
                "{\"search_term\":\"quarterMAIN\"}").assertOk().body();
        assertThat(userIds(byName.get("results"))).containsExactly(zed.userId());
        assertThat(byName.get("results").get(0).get("display_name").asString()).isEqualTo("Zora Quartermain");
        assertThat(byName.get("limited").asBoolean()).isFalse();
        JsonNode byLocalpart = post(searcher, "/_matrix/client/v3/user_directory/search",
                "{\"search_term\":\"ZEDON\"}").assertOk().body();
        assertThat(userIds(byLocalpart.get("results"))).containsExactly(zed.userId());
    }

    @Test
    void directoryLimitsResultsAndSaysSo() {
        User searcher = newUser("dir-limit");
        for (int i = 0; i < 3; i++) newUser("manyfold");
        JsonNode result = post(searcher, "/_matrix/client/v3/user_directory/search",
                "{\"search_term\":\"manyfold\",\"limit\":2}").assertOk().body();
        assertThat(result.get("results").size()).isEqualTo(2);
        assertThat(result.get("limited").asBoolean()).isTrue();
    }

    @Test
    void directoryTreatsWildcardCharactersLiterallyAndSkipsDeactivatedUsers() {
        User searcher = newUser("dir-literal");
        assertThat(post(searcher, "/_matrix/client/v3/user_directory/search", "{\"search_term\":\"%\"}")
                .assertOk().body().get("results").isEmpty()).isTrue();
        User gone = newUser("vanishing");
        accounts.deactivate(gone.userId(), false);
        assertThat(userIds(post(searcher, "/_matrix/client/v3/user_directory/search",
                "{\"search_term\":\"vanishing\"}").assertOk().body().get("results"))).isEmpty();
    }

    @Test
    void directoryOnlySearchesTheRequestersTenant() {
        User searcher = newUser("dir-tenant");
        String otherTenantUser = "@foreigner-" + System.nanoTime() + ":localhost";
        accounts.createUser(otherTenantUser, null, "Foreign Person", false);
        db.write(() -> db.sql().sql("UPDATE profiles SET tenant_id = 'elsewhere' WHERE user_id = ?")
                .param(otherTenantUser).update());
        assertThat(post(searcher, "/_matrix/client/v3/user_directory/search", "{\"search_term\":\"Foreign Person\"}")
                .assertOk().body().get("results").isEmpty()).isTrue();
        // Presence across tenants is decided by the user ID's domain (TenantIsolation), which this single-tenant
        // context cannot vary: tenant.TenantIsolationIT and CrossTenantRoutesIT cover it with real tenants.
    }

    @Test
    void badDirectorySearchesAreRefused() {
        User searcher = newUser("dir-bad");
        post(searcher, "/_matrix/client/v3/user_directory/search", "{}").assertError(400, "M_MISSING_PARAM");
        post(searcher, "/_matrix/client/v3/user_directory/search", "{\"search_term\":3}").assertError(400, "M_BAD_JSON");
        post(searcher, "/_matrix/client/v3/user_directory/search", "{\"search_term\":\"a\",\"limit\":\"5\"}")
                .assertError(400, "M_BAD_JSON");
        post(null, "/_matrix/client/v3/user_directory/search", "{\"search_term\":\"a\"}").assertError(401, "M_MISSING_TOKEN");
    }

    @Test
    void userSetsPresenceAndOthersReadIt() {
        User alice = newUser("pres-alice");
        User bob = newUser("pres-bob");
        String path = "/_matrix/client/v3/presence/" + enc(alice.userId()) + "/status";
        assertThat(get(bob, path).assertOk().body().get("presence").asString()).isEqualTo("offline");
        put(alice, path, "{\"presence\":\"unavailable\",\"status_msg\":\"lunch\"}").assertOk();
        JsonNode status = get(bob, path).assertOk().body();
        assertThat(status.get("presence").asString()).isEqualTo("unavailable");
        assertThat(status.get("status_msg").asString()).isEqualTo("lunch");
        assertThat(status.get("currently_active").asBoolean()).isFalse();
        assertThat(status.has("last_active_ago")).isTrue();
    }

    @Test
    void syncPresenceWritesOnlyWhenTheStateChangesAndShowsUpAsEvents() {
        User alice = newUser("pres-sync");
        presence.setFromSync(alice.userId(), null);
        long first = position(alice);
        presence.setFromSync(alice.userId(), "online");
        presence.setFromSync(alice.userId(), "offline");
        assertThat(position(alice)).isEqualTo(first);
        List<ObjectNode> events = presence.presenceEvents(List.of(alice.userId(), "@nobody:localhost"), 0, Long.MAX_VALUE);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).get("type").asString()).isEqualTo("m.presence");
        assertThat(events.get(0).get("sender").asString()).isEqualTo(alice.userId());
        assertThat(events.get(0).get("content").get("presence").asString()).isEqualTo("online");
        assertThat(events.get(0).get("content").get("currently_active").asBoolean()).isTrue();
        assertThat(presence.presenceEvents(List.of(alice.userId()), first, Long.MAX_VALUE)).isEmpty();
        presence.setFromSync(alice.userId(), "unavailable");
        assertThat(presence.presenceEvents(List.of(alice.userId()), first, Long.MAX_VALUE)).hasSize(1);
    }

    private long position(User user) {
        return db.sql().sql("SELECT stream_position FROM presence WHERE user_id = ?").param(user.userId())
                .query(Long.class).single();
    }

    @Test
    void badPresenceRequestsAreRefusedAndChangeNothing() {
        User alice = newUser("pres-bad");
        User mallory = newUser("pres-mallory");
        String path = "/_matrix/client/v3/presence/" + enc(alice.userId()) + "/status";
        put(mallory, path, "{\"presence\":\"online\"}").assertError(403, "M_FORBIDDEN");
        put(alice, path, "{\"presence\":\"dancing\"}").assertError(400, "M_INVALID_PARAM");
        put(alice, path, "{\"presence\":1}").assertError(400, "M_BAD_JSON");
        put(alice, path, "{}").assertError(400, "M_MISSING_PARAM");
        put(alice, path, "{\"presence\":\"online\",\"status_msg\":\"" + "x".repeat(1025) + "\"}")
                .assertError(400, "M_INVALID_PARAM");
        put(null, path, "{\"presence\":\"online\"}").assertError(401, "M_MISSING_TOKEN");
        get(alice, "/_matrix/client/v3/presence/" + enc("@ghost:localhost") + "/status").assertError(404, "M_NOT_FOUND");
        assertThat(get(alice, path).assertOk().body().get("presence").asString()).isEqualTo("offline");
    }

    @Test
    void startupEndpointsAnswerWithNothing() {
        User alice = newUser("misc");
        assertThat(get(alice, "/_matrix/client/v3/thirdparty/protocols").assertOk().body().isEmpty()).isTrue();
        assertThat(get(alice, "/_matrix/client/v3/notifications?limit=20&only=highlight").assertOk().body()
                .get("notifications").isEmpty()).isTrue();
        get(alice, "/_matrix/client/v3/notifications?limit=lots").assertError(400, "M_INVALID_PARAM");
        get(null, "/_matrix/client/v3/notifications").assertError(401, "M_MISSING_TOKEN");
    }
}

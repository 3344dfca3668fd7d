package org.bollwerk.userdata;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AccountDataIT extends UserdataTestBase {

    @Autowired
    AccountDataService accountData;

    private static String global(User user, String type) {
        return "/_matrix/client/v3/user/" + enc(user.userId()) + "/account_data/" + enc(type);
    }

    private static String room(User user, String roomId, String type) {
        return "/_matrix/client/v3/user/" + enc(user.userId()) + "/rooms/" + enc(roomId) + "/account_data/" + enc(type);
    }

    @Test
    void globalAndRoomAccountDataAreStoredAndReadBack() {
        User alice = newUser("ad-alice");
        put(alice, global(alice, "m.direct"), "{\"@bob:localhost\":[\"!r:localhost\"]}").assertOk();
        put(alice, room(alice, "!r:localhost", "m.tag"), "{\"tags\":{\"u.work\":{}}}").assertOk();
        assertThat(get(alice, global(alice, "m.direct")).assertOk().body())
                .isEqualTo(object("{\"@bob:localhost\":[\"!r:localhost\"]}"));
        assertThat(get(alice, room(alice, "!r:localhost", "m.tag")).assertOk().body())
                .isEqualTo(object("{\"tags\":{\"u.work\":{}}}"));
        put(alice, global(alice, "m.direct"), "{}").assertOk();
        assertThat(get(alice, global(alice, "m.direct")).assertOk().body()).isEqualTo(object("{}"));
    }

    @Test
    void syncSeesOnlyChangesInItsRangeAndAlwaysPushRulesFirstTime() {
        User alice = newUser("ad-sync");
        List<AccountDataEntry> initial = accountData.globalChanges(alice.userId(), AccountDataService.INITIAL, Long.MAX_VALUE);
        assertThat(initial).extracting(AccountDataEntry::type).containsExactly("m.push_rules");
        assertThat(initial.get(0).content().path("global").path("override").size()).isEqualTo(13);

        put(alice, global(alice, "org.example.a"), "{\"n\":1}").assertOk();
        long afterA = maxPosition(alice);
        put(alice, global(alice, "org.example.b"), "{\"n\":2}").assertOk();
        put(alice, room(alice, "!r:localhost", "org.example.c"), "{\"n\":3}").assertOk();

        assertThat(accountData.globalChanges(alice.userId(), afterA, Long.MAX_VALUE))
                .extracting(AccountDataEntry::type).containsExactly("org.example.b");
        assertThat(accountData.globalChanges(alice.userId(), AccountDataService.INITIAL, Long.MAX_VALUE)).extracting(AccountDataEntry::type)
                .containsExactlyInAnyOrder("org.example.a", "org.example.b", "m.push_rules");
        Map<String, List<AccountDataEntry>> rooms = accountData.roomChanges(alice.userId(), afterA, Long.MAX_VALUE);
        assertThat(rooms).containsOnlyKeys("!r:localhost");
        assertThat(rooms.get("!r:localhost").get(0).content()).isEqualTo(object("{\"n\":3}"));
        assertThat(accountData.roomChanges(alice.userId(), 0, afterA)).isEmpty();
    }

    private long maxPosition(User user) {
        // the highest position so far is that of the last write: everything up to it is "old"
        return accounts.user(user.userId()).isPresent() ? highest(user) : 0;
    }

    @Autowired
    org.bollwerk.storage.Db db;

    private long highest(User user) {
        return db.sql().sql("SELECT MAX(stream_position) FROM account_data WHERE user_id = ?")
                .param(user.userId()).query(Long.class).single();
    }

    @Test
    void otherModulesCanSetFullyReadThroughTheService() {
        User alice = newUser("ad-fully");
        accountData.putRoom(alice.userId(), "!r:localhost", "m.fully_read", object("{\"event_id\":\"$e\"}"));
        assertThat(get(alice, room(alice, "!r:localhost", "m.fully_read")).assertOk().body())
                .isEqualTo(object("{\"event_id\":\"$e\"}"));
    }

    @Test
    void serverControlledTypesAreRefusedWith405() {
        User alice = newUser("ad-protected");
        put(alice, global(alice, "m.push_rules"), "{}").assertError(405, "M_BAD_JSON");
        put(alice, global(alice, "m.fully_read"), "{}").assertError(405, "M_BAD_JSON");
        put(alice, room(alice, "!r:localhost", "m.fully_read"), "{\"event_id\":\"$x\"}").assertError(405, "M_BAD_JSON");
        put(alice, room(alice, "!r:localhost", "m.push_rules"), "{}").assertError(405, "M_BAD_JSON");
        get(alice, room(alice, "!r:localhost", "m.fully_read")).assertError(404, "M_NOT_FOUND");
        // reading the push rules works even though nothing was ever stored
        assertThat(get(alice, global(alice, "m.push_rules")).assertOk().body().has("global")).isTrue();
    }

    @Test
    void otherUsersAccountDataIsOffLimits() {
        User alice = newUser("ad-owner");
        User mallory = newUser("ad-mallory");
        put(alice, global(alice, "org.secret"), "{\"k\":1}").assertOk();
        get(mallory, global(alice, "org.secret")).assertError(403, "M_FORBIDDEN");
        put(mallory, global(alice, "org.secret"), "{\"k\":2}").assertError(403, "M_FORBIDDEN");
        put(mallory, room(alice, "!r:localhost", "org.secret"), "{}").assertError(403, "M_FORBIDDEN");
        get(mallory, room(alice, "!r:localhost", "org.secret")).assertError(403, "M_FORBIDDEN");
        assertThat(get(alice, global(alice, "org.secret")).assertOk().body()).isEqualTo(object("{\"k\":1}"));
    }

    @Test
    void badBodiesAndUnknownTypesAreRefused() {
        User alice = newUser("ad-bad");
        put(alice, global(alice, "org.x"), "[1]").assertError(400, "M_BAD_JSON");
        put(alice, global(alice, "org.x"), "\"text\"").assertError(400, "M_BAD_JSON");
        put(alice, global(alice, "org.x"), "{broken").assertError(400, "M_NOT_JSON");
        put(alice, room(alice, "not-a-room", "org.x"), "{}").assertError(400, "M_INVALID_PARAM");
        get(alice, global(alice, "org.x")).assertError(404, "M_NOT_FOUND");
        get(alice, room(alice, "!r:localhost", "org.x")).assertError(404, "M_NOT_FOUND");
        get(null, global(alice, "org.x")).assertError(401, "M_MISSING_TOKEN");
        put(null, global(alice, "org.x"), "{}").assertError(401, "M_MISSING_TOKEN");
        assertThat(accountData.globalChanges(alice.userId(), AccountDataService.INITIAL, Long.MAX_VALUE))
                .extracting(AccountDataEntry::type).containsExactly("m.push_rules");
    }
}

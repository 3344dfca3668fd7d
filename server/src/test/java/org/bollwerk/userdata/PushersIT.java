package org.bollwerk.userdata;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PushersIT extends UserdataTestBase {
    private static final String HTTP_PUSHER = """
            {"pushkey":"key-1","kind":"http","app_id":"im.vector.app","app_display_name":"Element",
             "device_display_name":"Phone","lang":"en","data":{"url":"https://push.example/_matrix/push/v1/notify"}}""";

    @Test
    void pusherIsStoredListedAndDeletedWithKindNull() {
        User alice = newUser("push-alice");
        assertThat(get(alice, "/_matrix/client/v3/pushers").assertOk().body().get("pushers").isEmpty()).isTrue();
        post(alice, "/_matrix/client/v3/pushers/set", HTTP_PUSHER).assertOk();
        var pushers = get(alice, "/_matrix/client/v3/pushers").assertOk().body().get("pushers");
        assertThat(pushers.size()).isEqualTo(1);
        assertThat(pushers.get(0).get("app_display_name").asString()).isEqualTo("Element");
        assertThat(pushers.get(0).get("data").get("url").asString()).startsWith("https://push.example");
        post(alice, "/_matrix/client/v3/pushers/set", "{\"pushkey\":\"key-1\",\"app_id\":\"im.vector.app\",\"kind\":null}")
                .assertOk();
        assertThat(get(alice, "/_matrix/client/v3/pushers").assertOk().body().get("pushers").isEmpty()).isTrue();
    }

    @Test
    void samePushkeyOfAnotherUserIsReplacedUnlessAppending() {
        User alice = newUser("push-first");
        User bob = newUser("push-second");
        post(alice, "/_matrix/client/v3/pushers/set", HTTP_PUSHER).assertOk();
        post(bob, "/_matrix/client/v3/pushers/set", HTTP_PUSHER).assertOk();
        assertThat(get(alice, "/_matrix/client/v3/pushers").body().get("pushers").isEmpty()).isTrue();
        post(alice, "/_matrix/client/v3/pushers/set", HTTP_PUSHER.replace("\"lang\"", "\"append\":true,\"lang\"")).assertOk();
        assertThat(get(bob, "/_matrix/client/v3/pushers").body().get("pushers").size()).isEqualTo(1);
        assertThat(get(alice, "/_matrix/client/v3/pushers").body().get("pushers").size()).isEqualTo(1);
    }

    @Test
    void incompletePushersAreRefusedAndNothingIsStored() {
        User alice = newUser("push-bad");
        post(alice, "/_matrix/client/v3/pushers/set", "{\"kind\":\"http\"}").assertError(400, "M_MISSING_PARAM");
        post(alice, "/_matrix/client/v3/pushers/set", HTTP_PUSHER.replace("\"lang\":\"en\",", ""))
                .assertError(400, "M_MISSING_PARAM");
        post(alice, "/_matrix/client/v3/pushers/set", HTTP_PUSHER.replace("{\"url\":\"https://push.example/_matrix/push/v1/notify\"}", "{}"))
                .assertError(400, "M_MISSING_PARAM");
        post(alice, "/_matrix/client/v3/pushers/set", HTTP_PUSHER.replace("\"key-1\"", "7")).assertError(400, "M_BAD_JSON");
        post(alice, "/_matrix/client/v3/pushers/set", HTTP_PUSHER.replace("{\"url\"", "[{\"url\"").replace("notify\"}", "notify\"}]"))
                .assertError(400, "M_BAD_JSON");
        post(alice, "/_matrix/client/v3/pushers/set", "").assertError(400, "M_NOT_JSON");
        post(null, "/_matrix/client/v3/pushers/set", HTTP_PUSHER).assertError(401, "M_MISSING_TOKEN");
        get(null, "/_matrix/client/v3/pushers").assertError(401, "M_MISSING_TOKEN");
        assertThat(get(alice, "/_matrix/client/v3/pushers").body().get("pushers").isEmpty()).isTrue();
    }
}

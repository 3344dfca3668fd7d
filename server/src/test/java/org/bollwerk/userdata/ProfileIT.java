package org.bollwerk.userdata;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.event.EventListener;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

@Import(ProfileIT.Recorder.class)
class ProfileIT extends UserdataTestBase {

    @TestConfiguration(proxyBeanMethods = false)
    static class Recorder {
        @Bean
        ProfileEvents profileEvents() {
            return new ProfileEvents();
        }
    }

    static class ProfileEvents {
        final List<ProfileChanged> seen = new CopyOnWriteArrayList<>();

        @EventListener
        void on(ProfileChanged changed) {
            seen.add(changed);
        }
    }

    @Autowired
    ProfileEvents recorded;

    @Autowired
    ProfileService profiles;

    private String path(User user) {
        return "/_matrix/client/v3/profile/" + enc(user.userId());
    }

    @Test
    void newAccountHasItsDisplayNameAndNoAvatar() {
        User alice = newUser("prof-alice", "Alice Example");
        assertThat(get(alice, path(alice)).assertOk().body()).isEqualTo(object("{\"displayname\":\"Alice Example\"}"));
        assertThat(get(alice, path(alice) + "/avatar_url").assertOk().body()).isEqualTo(object("{}"));
    }

    @Test
    void userChangesDisplayNameAndAvatarAndOthersSeeIt() {
        User alice = newUser("prof-change");
        User bob = newUser("prof-viewer");
        put(alice, path(alice) + "/displayname", "{\"displayname\":\"Alice 2\"}").assertOk();
        put(alice, path(alice) + "/avatar_url", "{\"avatar_url\":\"mxc://localhost/abc\"}").assertOk();
        assertThat(get(bob, path(alice)).assertOk().body())
                .isEqualTo(object("{\"displayname\":\"Alice 2\",\"avatar_url\":\"mxc://localhost/abc\"}"));
        assertThat(get(bob, "/_matrix/client/r0/profile/" + enc(alice.userId()) + "/displayname").assertOk()
                .body().get("displayname").asString()).isEqualTo("Alice 2");
        assertThat(recorded.seen).contains(new ProfileChanged(alice.userId(), "Alice 2", null),
                new ProfileChanged(alice.userId(), "Alice 2", "mxc://localhost/abc"));
    }

    @Test
    void settingTheSameDisplayNameAgainPublishesNothing() {
        User alice = newUser("prof-same", "Same");
        int before = recorded.seen.size();
        put(alice, path(alice) + "/displayname", "{\"displayname\":\"Same\"}").assertOk();
        assertThat(recorded.seen.stream().filter(e -> e.userId().equals(alice.userId()))).isEmpty();
        assertThat(recorded.seen.size()).isGreaterThanOrEqualTo(before);
    }

    @Test
    void nobodyChangesAnotherUsersProfile() {
        User alice = newUser("prof-victim", "Victim");
        User mallory = newUser("prof-mallory");
        put(mallory, path(alice) + "/displayname", "{\"displayname\":\"pwned\"}").assertError(403, "M_FORBIDDEN");
        put(mallory, path(alice) + "/avatar_url", "{\"avatar_url\":\"mxc://x/y\"}").assertError(403, "M_FORBIDDEN");
        assertThat(profiles.profile(alice.userId()).orElseThrow()).isEqualTo(new Profile("Victim", null));
    }

    @Test
    void badProfileValuesAreRefusedAndChangeNothing() {
        User alice = newUser("prof-bad", "Before");
        put(alice, path(alice) + "/displayname", "{\"displayname\":5}").assertError(400, "M_BAD_JSON");
        put(alice, path(alice) + "/displayname", "{}").assertError(400, "M_MISSING_PARAM");
        put(alice, path(alice) + "/displayname", "nope").assertError(400, "M_NOT_JSON");
        put(alice, path(alice) + "/displayname", "{\"displayname\":\"" + "x".repeat(257) + "\"}")
                .assertError(400, "M_INVALID_PARAM");
        put(alice, path(alice) + "/avatar_url", "{\"avatar_url\":\"https://evil.example/a.png\"}")
                .assertError(400, "M_INVALID_PARAM");
        put(alice, path(alice) + "/avatar_url", "{\"avatar_url\":[]}").assertError(400, "M_BAD_JSON");
        assertThat(profiles.profile(alice.userId()).orElseThrow()).isEqualTo(new Profile("Before", null));
    }

    @Test
    void emptyAvatarUrlClearsTheAvatar() {
        User alice = newUser("prof-clear");
        put(alice, path(alice) + "/avatar_url", "{\"avatar_url\":\"mxc://localhost/a\"}").assertOk();
        put(alice, path(alice) + "/avatar_url", "{\"avatar_url\":\"\"}").assertOk();
        assertThat(profiles.profile(alice.userId()).orElseThrow().avatarUrl()).isNull();
    }

    @Test
    void unknownUsersHaveNoProfileAndMalformedIdsAreInvalid() {
        User alice = newUser("prof-lookup");
        get(alice, "/_matrix/client/v3/profile/" + enc("@nobody:localhost")).assertError(404, "M_NOT_FOUND");
        get(alice, "/_matrix/client/v3/profile/" + enc("@nobody:localhost") + "/displayname").assertError(404, "M_NOT_FOUND");
        get(alice, "/_matrix/client/v3/profile/not-a-user").assertError(400, "M_INVALID_PARAM");
    }

    @Test
    void profileEndpointsNeedAnAccessToken() {
        User alice = newUser("prof-anon");
        get(null, path(alice)).assertError(401, "M_MISSING_TOKEN");
        put(null, path(alice) + "/displayname", "{\"displayname\":\"x\"}").assertError(401, "M_MISSING_TOKEN");
    }

    @Test
    void erasingADeactivatedAccountClearsItsProfile() {
        User alice = newUser("prof-erase", "Erase Me");
        accounts.deactivate(alice.userId(), true);
        assertThat(profiles.profile(alice.userId()).orElseThrow()).isEqualTo(new Profile(null, null));
    }
}

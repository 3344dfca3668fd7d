package org.bollwerk.account;

import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AccountIT extends ClientApiTestBase {

    @Test
    void loginAcceptsLocalpartOrFullUserIdAndWhoamiNamesTheDevice() {
        User alice = newUser("alice");
        String localpart = alice.userId().substring(1, alice.userId().indexOf(':'));
        JsonNode viaFullId = ok(http.send("POST", V3 + "/login", null, Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", alice.userId()), "password", "secret-" + localpart,
                "device_id", "LAPTOP")));
        assertThat(viaFullId.path("device_id").asString()).isEqualTo("LAPTOP");
        JsonNode whoami = ok(http.get(V3 + "/account/whoami", viaFullId.path("access_token").asString()));
        assertThat(whoami.path("user_id").asString()).isEqualTo(alice.userId());
        assertThat(whoami.path("device_id").asString()).isEqualTo("LAPTOP");
        assertThat(ok(http.get(V3 + "/login", null)).toString()).contains("m.login.password");
    }

    @Test
    void wrongPasswordsAndUnknownUsersAreForbiddenAlike() {
        User alice = newUser("alice");
        MatrixHttp.Response wrong = http.send("POST", V3 + "/login", null, Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", alice.userId()), "password", "nope"));
        refused(wrong, 403, "M_FORBIDDEN");
        MatrixHttp.Response unknown = http.send("POST", V3 + "/login", null, Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", "@nobody-here:localhost"), "password", "nope"));
        refused(unknown, 403, "M_FORBIDDEN");
        assertThat(wrong.json().path("error").asString()).isEqualTo(unknown.json().path("error").asString());
        refused(http.send("POST", V3 + "/login", null, "{\"type\": \"m.login.password\""), 400, "M_NOT_JSON");
        refused(http.send("POST", V3 + "/login", null, Map.of("type", "m.login.password", "password", 5,
                "identifier", Map.of("type", "m.id.user", "user", "x"))), 400, "M_BAD_JSON");
    }

    @Test
    void logoutEndsTheTokenForGoodWithoutSoftLogout() {
        User alice = newUser("alice");
        ok(post(alice, "/logout", Map.of()));
        MatrixHttp.Response after = get(alice, "/account/whoami");
        refused(after, 401, "M_UNKNOWN_TOKEN");
        assertThat(after.json().path("soft_logout").asBoolean(true)).isFalse();
    }

    @Test
    void logoutAllEndsEverySession() {
        User alice = newUser("alice");
        String localpart = alice.userId().substring(1, alice.userId().indexOf(':'));
        User second = login(localpart);
        ok(post(alice, "/logout/all", Map.of()));
        refused(get(second, "/account/whoami"), 401, "M_UNKNOWN_TOKEN");
        refused(get(alice, "/account/whoami"), 401, "M_UNKNOWN_TOKEN");
    }

    @Test
    void deletingADeviceNeedsThePasswordAndRevokesItsToken() {
        User alice = newUser("alice");
        String localpart = alice.userId().substring(1, alice.userId().indexOf(':'));
        User phone = login(localpart);
        assertThat(ok(get(alice, "/devices")).path("devices")).hasSize(2);
        MatrixHttp.Response challenge = http.send("DELETE", V3 + "/devices/" + phone.deviceId(), alice.token(), Map.of());
        assertThat(challenge.status()).isEqualTo(401);
        assertThat(challenge.json().path("flows").toString()).contains("m.login.password");
        ok(get(phone, "/account/whoami"));
        Map<String, Object> auth = Map.of("type", "m.login.password", "session",
                challenge.json().path("session").asString(), "identifier",
                Map.of("type", "m.id.user", "user", alice.userId()), "password", "secret-" + localpart);
        ok(http.send("DELETE", V3 + "/devices/" + phone.deviceId(), alice.token(), Map.of("auth", auth)));
        refused(get(phone, "/account/whoami"), 401, "M_UNKNOWN_TOKEN");
        assertThat(ok(get(alice, "/devices")).path("devices")).hasSize(1);
    }

    @Test
    void changingThePasswordNeedsTheOldOneAndLogsOutOtherDevices() {
        User alice = newUser("alice");
        String localpart = alice.userId().substring(1, alice.userId().indexOf(':'));
        User other = login(localpart);
        Map<String, Object> badAuth = Map.of("type", "m.login.password", "identifier",
                Map.of("type", "m.id.user", "user", alice.userId()), "password", "wrong");
        assertThat(post(alice, "/account/password", Map.of("new_password", "n3w", "auth", badAuth)).status()).isEqualTo(401);
        ok(get(other, "/account/whoami"));
        Map<String, Object> auth = Map.of("type", "m.login.password", "identifier",
                Map.of("type", "m.id.user", "user", alice.userId()), "password", "secret-" + localpart);
        ok(post(alice, "/account/password", Map.of("new_password", "n3w-password", "auth", auth)));
        refused(get(other, "/account/whoami"), 401, "M_UNKNOWN_TOKEN");
        ok(get(alice, "/account/whoami"));
    }

    @Test
    void openRegistrationIsOffByDefault() {
        refused(http.send("POST", V3 + "/register", null, Map.of("username", "intruder", "password", "x",
                "auth", Map.of("type", "m.login.dummy"))), 403, "M_FORBIDDEN");
        assertThat(accounts.exists("@intruder:localhost")).isFalse();
        // Without registration tokens no flow is offered either, so apps hide their "Register" link.
        refused(http.send("POST", V3 + "/register", null, Map.of("username", "intruder", "password", "x")),
                403, "M_FORBIDDEN");
    }

    @Test
    void devicesCanBeRenamedButUnknownDevicesAreNotFound() {
        User alice = newUser("alice");
        ok(put(alice, "/devices/" + alice.deviceId(), Map.of("display_name", "Work laptop")));
        assertThat(ok(get(alice, "/devices/" + alice.deviceId())).path("display_name").asString()).isEqualTo("Work laptop");
        refused(put(alice, "/devices/NOPE", Map.of("display_name", "x")), 404, "M_NOT_FOUND");
        refused(get(alice, "/devices/NOPE"), 404, "M_NOT_FOUND");
    }

    @Test
    void usersDeactivateTheirOwnAccountOnlyWithTheirPassword() {
        User erin = newUser("erin");
        String localpart = erin.userId().substring(1, erin.userId().indexOf(':'));
        Map<String, Object> badAuth = Map.of("type", "m.login.password", "identifier",
                Map.of("type", "m.id.user", "user", erin.userId()), "password", "wrong");
        assertThat(post(erin, "/account/deactivate", Map.of()).status()).isEqualTo(401);
        assertThat(post(erin, "/account/deactivate", Map.of("auth", badAuth)).status()).isEqualTo(401);
        refused(post(erin, "/account/deactivate", Map.of("erase", "yes")), 400, "M_INVALID_PARAM");
        assertThat(accounts.user(erin.userId()).orElseThrow().deactivated()).isFalse();

        Map<String, Object> auth = Map.of("type", "m.login.password", "identifier",
                Map.of("type", "m.id.user", "user", erin.userId()), "password", "secret-" + localpart);
        assertThat(ok(post(erin, "/account/deactivate", Map.of("auth", auth))).path("id_server_unbind_result")
                .asString()).isEqualTo("no-support");
        assertThat(accounts.user(erin.userId()).orElseThrow().deactivated()).isTrue();
        refused(get(erin, "/account/whoami"), 401, "M_UNKNOWN_TOKEN");
        refused(http.send("POST", V3 + "/login", null, Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", localpart), "password", "secret-" + localpart)),
                403, "M_FORBIDDEN");
    }

    @Test
    void withoutSupportContactsTheSupportWellKnownIsNotFound() {
        refused(http.get("/.well-known/matrix/support", null), 404, "M_NOT_FOUND");
    }

    @Test
    void whoisShowsOwnSessionsAndOnlyAdminsSeeOthers() {
        User frank = newUser("frank");
        User grace = newUser("grace");
        var whois = ok(get(frank, "/admin/whois/" + MatrixHttp.encode(frank.userId())));
        assertThat(whois.path("user_id").asString()).isEqualTo(frank.userId());
        assertThat(whois.path("devices").has(frank.deviceId())).isTrue();
        refused(get(grace, "/admin/whois/" + MatrixHttp.encode(frank.userId())), 403, "M_FORBIDDEN");
    }
}

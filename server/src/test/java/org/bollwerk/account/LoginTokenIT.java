package org.bollwerk.account;

import org.bollwerk.storage.Db;
import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LoginTokenIT extends ClientApiTestBase {
    private static final String GET_TOKEN = "/_matrix/client/v1/login/get_token";

    @Autowired
    private Db db;

    private Map<String, Object> passwordAuth(User user, String session, String password) {
        return Map.of("auth", Map.of("type", "m.login.password", "session", session,
                "identifier", Map.of("type", "m.id.user", "user", user.userId()), "password", password));
    }

    private static String secretOf(User user) {
        return "secret-" + user.userId().substring(1, user.userId().indexOf(':'));
    }

    private String newLoginToken(User user) {
        MatrixHttp.Response challenge = http.send("POST", GET_TOKEN, user.token(), Map.of());
        assertThat(challenge.status()).as(challenge.text()).isEqualTo(401);
        JsonNode issued = ok(http.send("POST", GET_TOKEN, user.token(),
                passwordAuth(user, challenge.json().path("session").asString(), secretOf(user))));
        assertThat(issued.path("expires_in_ms").asLong()).isEqualTo(120_000);
        return issued.path("login_token").asString();
    }

    @Test
    void aLoginTokenNeedsThePasswordAndSignsInANewDeviceOnce() {
        User alice = newUser("alice");
        MatrixHttp.Response challenge = http.send("POST", GET_TOKEN, alice.token(), Map.of());
        assertThat(challenge.status()).isEqualTo(401);
        assertThat(challenge.json().path("flows").toString()).contains("m.login.password");
        refused(http.send("POST", GET_TOKEN, alice.token(),
                passwordAuth(alice, challenge.json().path("session").asString(), "wrong")), 401, "M_FORBIDDEN");

        String token = newLoginToken(alice);
        JsonNode session = ok(http.send("POST", V3 + "/login", null, Map.of("type", "m.login.token", "token", token,
                "initial_device_display_name", "New phone")));
        assertThat(session.path("user_id").asString()).isEqualTo(alice.userId());
        assertThat(session.path("device_id").asString()).isNotEqualTo(alice.deviceId());
        assertThat(ok(http.get(V3 + "/account/whoami", session.path("access_token").asString()))
                .path("user_id").asString()).isEqualTo(alice.userId());

        refused(http.send("POST", V3 + "/login", null, Map.of("type", "m.login.token", "token", token)), 403, "M_FORBIDDEN");
    }

    @Test
    void unknownAndExpiredTokensAreForbiddenAndOnlyTheHashIsStored() {
        User bob = newUser("bob");
        refused(http.send("POST", V3 + "/login", null, Map.of("type", "m.login.token", "token", "bwl_made-up")),
                403, "M_FORBIDDEN");
        refused(http.send("POST", V3 + "/login", null, Map.of("type", "m.login.token")), 400, "M_MISSING_PARAM");

        String token = newLoginToken(bob);
        List<String> stored = db.sql().sql("SELECT token_hash FROM login_tokens WHERE user_id = ?").param(bob.userId())
                .query(String.class).list();
        assertThat(stored).containsExactly(AccessTokens.hash(token));
        db.write(() -> db.sql().sql("UPDATE login_tokens SET expires_at = 1 WHERE user_id = ?").param(bob.userId()).update());
        refused(http.send("POST", V3 + "/login", null, Map.of("type", "m.login.token", "token", token)), 403, "M_FORBIDDEN");
    }

    @Test
    void aTokenOfAnAccountDeactivatedSinceIsWorthless() {
        User carol = newUser("carol");
        String token = newLoginToken(carol);
        accounts.deactivate(carol.userId(), false);
        refused(http.send("POST", V3 + "/login", null, Map.of("type", "m.login.token", "token", token)), 403, "M_FORBIDDEN");
    }

    @Test
    void loginFlowsAndCapabilitiesAdvertiseTheTokenLogin() {
        User dave = newUser("dave");
        JsonNode flows = ok(http.get(V3 + "/login", null)).path("flows");
        assertThat(flows.toString()).contains("\"type\":\"m.login.password\"");
        boolean advertised = false;
        for (JsonNode flow : flows) {
            if (flow.path("type").asString().equals("m.login.token")) advertised = flow.path("get_login_token").asBoolean();
        }
        assertThat(advertised).isTrue();
        assertThat(ok(get(dave, "/capabilities")).path("capabilities").path("m.get_login_token").path("enabled")
                .asBoolean()).isTrue();
    }
}

package org.bollwerk.account;

import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Third-party identifiers stay out by design: none listed, every way to add or use one refused alike. */
class ThirdPartyIdIT extends ClientApiTestBase {

    @Test
    void anAccountHasNoThirdPartyIdentifiersAndCannotAddOrBindOne() {
        User alice = newUser("alice");
        assertThat(ok(get(alice, "/account/3pid")).path("threepids").isEmpty()).isTrue();
        refused(http.get(V3 + "/account/3pid", null), 401, "M_MISSING_TOKEN");
        Map<String, Object> body = Map.of("client_secret", "s3cret", "sid", "1", "id_server", "id.example.org",
                "id_access_token", "x", "medium", "email", "address", "alice@example.org");
        for (String path : List.of("/account/3pid", "/account/3pid/add", "/account/3pid/bind", "/account/3pid/delete",
                "/account/3pid/unbind")) {
            refused(post(alice, path, body), 403, "M_THREEPID_DENIED");
            refused(http.send("POST", V3 + path, null, body), 401, "M_MISSING_TOKEN");
        }
        assertThat(ok(get(alice, "/capabilities")).path("capabilities").path("m.3pid_changes").path("enabled")
                .asBoolean()).isFalse();
        String roomId = createRoom(alice, Map.of());
        refused(post(alice, "/rooms/" + MatrixHttp.encode(roomId) + "/invite", Map.of("id_server", "id.example.org",
                "id_access_token", "x", "medium", "email", "address", "bob@example.org")), 403, "M_THREEPID_DENIED");
        refused(post(alice, "/rooms/" + MatrixHttp.encode(roomId) + "/invite", Map.of()), 400, "M_MISSING_PARAM");
    }

    @Test
    void noValidationMailOrSmsIsEverRequestedWhoeverAsks() {
        Map<String, Object> email = Map.of("client_secret", "s3cret", "email", "alice@example.org", "send_attempt", 1);
        Map<String, Object> phone = Map.of("client_secret", "s3cret", "country", "DE", "phone_number", "15112345678",
                "send_attempt", 1);
        for (String kind : List.of("/register", "/account/password", "/account/3pid")) {
            refused(http.send("POST", V3 + kind + "/email/requestToken", null, email), 403, "M_THREEPID_DENIED");
            refused(http.send("POST", V3 + kind + "/msisdn/requestToken", null, phone), 403, "M_THREEPID_DENIED");
            refused(http.send("POST", "/_matrix/client/r0" + kind + "/email/requestToken", null, email), 403, "M_THREEPID_DENIED");
        }
    }
}

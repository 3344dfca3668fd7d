package org.bollwerk.admin;

import org.bollwerk.testsupport.MatrixHttp;
import org.bollwerk.testsupport.MatrixHttp.Response;
import org.bollwerk.testsupport.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.testsupport.MatrixHttp.encode;
import static org.bollwerk.testsupport.MatrixHttp.uniqueLocalpart;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "bollwerk.admin.user=admin",
        "bollwerk.admin.password=admin-test-password",
        // Login limits are tested in the ratelimit feature; here they would only make the test order matter.
        "bollwerk.rate-limit.enabled=false"})
@DirtiesContext
class UserAdminApiIT {
    private static final String ADMIN = "@admin:localhost";
    private static final String USERS = "/_synapse/admin/v2/users/";

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry, dataDir);
    }

    @LocalServerPort
    int port;
    MatrixHttp http;
    String adminToken;

    @BeforeEach
    void logInAdmin() {
        http = new MatrixHttp(port);
        adminToken = http.login("admin", "admin-test-password");
    }

    private static String newUserId(String prefix) {
        return "@" + uniqueLocalpart(prefix) + ":localhost";
    }

    private Response put(String userId, Object body) {
        return http.send("PUT", USERS + encode(userId), adminToken, body);
    }

    private Response getUser(String userId) {
        return http.get(USERS + encode(userId), adminToken);
    }

    private String createUser(String userId, String password) {
        Response created = put(userId, Map.of("password", password));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return http.login(userId, password);
    }

    @Test
    void putCreatesAUserWith201AndTheUserCanLogIn() {
        String userId = newUserId("alice");
        Response created = put(userId, Map.of("password", "pw-alice-1", "displayname", "Alice", "admin", false));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().get("name").asString()).isEqualTo(userId);
        assertThat(created.json().get("admin").asBoolean()).isFalse();
        assertThat(created.json().get("deactivated").asBoolean()).isFalse();
        assertThat(http.login(userId, "pw-alice-1")).isNotBlank();
    }

    @Test
    void getReturnsSynapseFieldsWithCreationTimeInSeconds() {
        String userId = newUserId("fields");
        put(userId, Map.of("password", "pw-fields"));
        Response user = getUser(userId);
        assertThat(user.status()).isEqualTo(200);
        JsonNode body = user.json();
        for (String field : List.of("name", "displayname", "threepids", "avatar_url", "is_guest", "admin",
                "deactivated", "erased", "shadow_banned", "creation_ts", "locked", "user_type", "external_ids")) {
            assertThat(body.has(field)).as(field).isTrue();
        }
        long nowSeconds = System.currentTimeMillis() / 1000;
        assertThat(body.get("creation_ts").asLong()).isBetween(nowSeconds - 120, nowSeconds + 5);
    }

    @Test
    void putOnAnExistingUserModifiesItWith200() {
        String userId = newUserId("bob");
        createUser(userId, "pw-bob-1");
        Response modified = put(userId, Map.of("admin", true, "locked", false));
        assertThat(modified.status()).as(modified.text()).isEqualTo(200);
        assertThat(getUser(userId).json().get("admin").asBoolean()).isTrue();
    }

    @Test
    void changingThePasswordLogsOutAllDevicesUnlessAskedNotTo() {
        String userId = newUserId("carol");
        String token = createUser(userId, "pw-carol-1");
        assertThat(put(userId, Map.of("password", "pw-carol-2", "logout_devices", false)).status()).isEqualTo(200);
        assertThat(http.get("/_matrix/client/v3/account/whoami", token).status()).isEqualTo(200);
        assertThat(put(userId, Map.of("password", "pw-carol-3")).status()).isEqualTo(200);
        assertThat(http.get("/_matrix/client/v3/account/whoami", token).errcode()).isEqualTo("M_UNKNOWN_TOKEN");
        assertThat(http.login(userId, "pw-carol-3")).isNotBlank();
    }

    @Test
    void aLockedUserCannotLogIn() {
        String userId = newUserId("locked");
        createUser(userId, "pw-locked");
        assertThat(put(userId, Map.of("locked", true)).status()).isEqualTo(200);
        assertThat(getUser(userId).json().get("locked").asBoolean()).isTrue();
        Response login = http.send("POST", "/_matrix/client/v3/login", null, Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", userId), "password", "pw-locked"));
        assertThat(login.errcode()).isEqualTo("M_USER_LOCKED");
    }

    @Test
    void deactivationEndsSessionsAndReactivationNeedsANewPassword() {
        String userId = newUserId("dave");
        String token = createUser(userId, "pw-dave-1");
        Response deactivated = http.send("POST", "/_synapse/admin/v1/deactivate/" + encode(userId), adminToken,
                Map.of("erase", false));
        assertThat(deactivated.status()).as(deactivated.text()).isEqualTo(200);
        assertThat(deactivated.json().get("id_server_unbind_result").asString()).isEqualTo("success");
        assertThat(http.get("/_matrix/client/v3/account/whoami", token).status()).isEqualTo(401);
        assertThat(getUser(userId).json().get("deactivated").asBoolean()).isTrue();

        Response withoutPassword = put(userId, Map.of("deactivated", false));
        assertThat(withoutPassword.status()).isEqualTo(400);
        assertThat(withoutPassword.errcode()).isEqualTo("M_INVALID_PARAM");
        assertThat(getUser(userId).json().get("deactivated").asBoolean()).isTrue();

        assertThat(put(userId, Map.of("deactivated", false, "password", "pw-dave-2")).status()).isEqualTo(200);
        assertThat(http.login(userId, "pw-dave-2")).isNotBlank();
    }

    @Test
    void deactivateAcceptsAnEmptyBodyAndPutCanDeactivateToo() {
        String first = newUserId("empty");
        createUser(first, "pw-empty");
        assertThat(http.send("POST", "/_synapse/admin/v1/deactivate/" + encode(first), adminToken, null).status())
                .isEqualTo(200);
        assertThat(getUser(first).json().get("deactivated").asBoolean()).isTrue();
        String second = newUserId("viaput");
        createUser(second, "pw-viaput");
        assertThat(put(second, Map.of("deactivated", true)).status()).isEqualTo(200);
        assertThat(getUser(second).json().get("deactivated").asBoolean()).isTrue();
    }

    @Test
    void anAdminMayNotDemoteThemselves() {
        Response response = put(ADMIN, Map.of("admin", false));
        assertThat(response.status()).isEqualTo(400);
        assertThat(getUser(ADMIN).json().get("admin").asBoolean()).isTrue();
    }

    @Test
    void listingPagesWithNextTokenOnlyWhileMoreUsersExist() {
        String prefix = uniqueLocalpart("page");
        for (int i = 0; i < 3; i++) put("@" + prefix + "-" + i + ":localhost", Map.of("password", "pw-page"));
        Response first = http.get("/_synapse/admin/v2/users?limit=2&user_id=" + prefix, adminToken);
        assertThat(first.status()).as(first.text()).isEqualTo(200);
        assertThat(first.json().get("total").asInt()).isEqualTo(3);
        assertThat(names(first)).containsExactly("@" + prefix + "-0:localhost", "@" + prefix + "-1:localhost");
        String next = first.json().get("next_token").asString();
        Response second = http.get("/_synapse/admin/v2/users?limit=2&user_id=" + prefix + "&from=" + next, adminToken);
        assertThat(names(second)).containsExactly("@" + prefix + "-2:localhost");
        assertThat(second.json().has("next_token")).isFalse();
        assertThat(second.json().get("users").get(0).get("creation_ts").asLong())
                .isGreaterThan(1_000_000_000_000L);  // milliseconds in the list, as in Synapse
    }

    @Test
    void listingHidesDeactivatedUsersUnlessAsked() {
        String userId = newUserId("hidden");
        createUser(userId, "pw-hidden");
        http.send("POST", "/_synapse/admin/v1/deactivate/" + encode(userId), adminToken, null);
        String localpart = userId.substring(1, userId.indexOf(':'));
        assertThat(names(http.get("/_synapse/admin/v2/users?user_id=" + localpart, adminToken))).isEmpty();
        assertThat(names(http.get("/_synapse/admin/v2/users?deactivated=true&user_id=" + localpart, adminToken)))
                .containsExactly(userId);
    }

    @Test
    void invalidPaginationParametersAreInvalidParam() {
        for (String query : List.of("limit=-1", "from=abc", "from=-5", "limit=0", "limit=1.5", "deactivated=maybe",
                "order_by=password_hash", "dir=x", "limit=99999999999")) {
            Response response = http.get("/_synapse/admin/v2/users?" + query, adminToken);
            assertThat(response.status()).as(query).isEqualTo(400);
            assertThat(response.errcode()).as(query).isEqualTo("M_INVALID_PARAM");
        }
    }

    @Test
    void devicesAreListedAndDeletingOneLogsItOut() {
        String userId = newUserId("devices");
        String token = createUser(userId, "pw-devices");
        String deviceId = http.get("/_matrix/client/v3/account/whoami", token).json().get("device_id").asString();
        Response devices = http.get(USERS + encode(userId) + "/devices", adminToken);
        assertThat(devices.status()).isEqualTo(200);
        assertThat(devices.json().get("total").asInt()).isEqualTo(1);
        assertThat(devices.json().get("devices").get(0).get("device_id").asString()).isEqualTo(deviceId);
        assertThat(devices.json().get("devices").get(0).get("user_id").asString()).isEqualTo(userId);
        assertThat(http.get(USERS + encode(userId) + "/devices/" + encode(deviceId), adminToken).status())
                .isEqualTo(200);

        Response deleted = http.send("DELETE", USERS + encode(userId) + "/devices/" + encode(deviceId), adminToken, null);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(http.get("/_matrix/client/v3/account/whoami", token).status()).isEqualTo(401);
        assertThat(http.get(USERS + encode(userId) + "/devices", adminToken).json().get("total").asInt()).isZero();
        assertThat(http.get(USERS + encode(userId) + "/devices/" + encode(deviceId), adminToken).errcode())
                .isEqualTo("M_NOT_FOUND");
    }

    @Test
    void unknownUsersAreNotFound() {
        String userId = newUserId("nobody");
        assertThat(getUser(userId).status()).isEqualTo(404);
        assertThat(getUser(userId).errcode()).isEqualTo("M_NOT_FOUND");
        assertThat(http.get(USERS + encode(userId) + "/devices", adminToken).errcode()).isEqualTo("M_NOT_FOUND");
        Response deactivate = http.send("POST", "/_synapse/admin/v1/deactivate/" + encode(userId), adminToken, null);
        assertThat(deactivate.errcode()).isEqualTo("M_NOT_FOUND");
        assertThat(getUser(userId).status()).isEqualTo(404);
    }

    @Test
    void malformedAndForeignUserIdsAreInvalidParamAndCreateNothing() {
        for (String bad : List.of("alice", "@alice", "@:localhost", "@alice:", "@alice:elsewhere.example", "!room:localhost")) {
            Response get = getUser(bad);
            assertThat(get.status()).as(bad).isEqualTo(400);
            assertThat(get.errcode()).as(bad).isEqualTo("M_INVALID_PARAM");
            Response put = put(bad, Map.of("password", "pw-bad"));
            assertThat(put.status()).as(bad).isEqualTo(400);
        }
        Response invalidLocalpart = put("@UPPER case:localhost", Map.of("password", "pw"));
        assertThat(invalidLocalpart.status()).isEqualTo(400);
        assertThat(getUser("@UPPER case:localhost").status()).isIn(400, 404);
    }

    @Test
    void wrongTypesAreBadJsonAndChangeNothing() {
        String userId = newUserId("types");
        String token = createUser(userId, "pw-types");
        for (Map<String, Object> body : List.<Map<String, Object>>of(Map.of("admin", "yes"),
                Map.of("password", 5), Map.of("deactivated", 1), Map.of("locked", "true"),
                Map.of("displayname", List.of()), Map.of("logout_devices", "no", "password", "pw-changed"),
                Map.of("threepids", "none"), Map.of("admin", true, "password", false))) {
            Response response = put(userId, body);
            assertThat(response.status()).as(body.toString()).isEqualTo(400);
            assertThat(response.errcode()).as(body.toString()).isEqualTo("M_BAD_JSON");
        }
        JsonNode user = getUser(userId).json();
        assertThat(user.get("admin").asBoolean()).isFalse();
        assertThat(user.get("deactivated").asBoolean()).isFalse();
        assertThat(user.get("locked").asBoolean()).isFalse();
        assertThat(http.get("/_matrix/client/v3/account/whoami", token).status()).isEqualTo(200);
        assertThat(http.login(userId, "pw-types")).isNotBlank();
    }

    @Test
    void bodiesThatAreNotJsonObjectsAreRefusedAndCreateNothing() {
        String userId = newUserId("notjson");
        assertThat(put(userId, "{not json").errcode()).isEqualTo("M_NOT_JSON");
        assertThat(put(userId, "[1,2]").errcode()).isEqualTo("M_BAD_JSON");
        assertThat(put(userId, "{\"password\":\"a\",\"password\":\"b\"}").status()).isEqualTo(400);
        assertThat(http.send("POST", "/_synapse/admin/v1/deactivate/" + encode(ADMIN), adminToken, "{\"erase\":\"yes\"}")
                .errcode()).isEqualTo("M_BAD_JSON");
        assertThat(getUser(userId).status()).isEqualTo(404);
        assertThat(getUser(ADMIN).json().get("deactivated").asBoolean()).isFalse();
    }

    @Test
    void unsupportedFieldsAreRefusedUnlessTheyAskForNothing() {
        String userId = newUserId("extras");
        Response refused = put(userId, Map.of("password", "pw", "threepids", List.of(Map.of("medium", "email",
                "address", "a@example.org"))));
        assertThat(refused.errcode()).isEqualTo("M_INVALID_PARAM");
        assertThat(getUser(userId).status()).isEqualTo(404);
        Map<String, Object> wholeRecord = new java.util.HashMap<>(Map.of("password", "pw-extras", "threepids", List.of(),
                "external_ids", List.of(), "avatar_url", ""));
        wholeRecord.put("user_type", null);
        assertThat(put(userId, wholeRecord).status()).isEqualTo(201);
    }

    @Test
    void nonAdminsAreForbiddenEverywhereAndChangeNothing() {
        String userId = newUserId("mallory");
        String token = createUser(userId, "pw-mallory");
        String victim = newUserId("victim");
        String victimToken = createUser(victim, "pw-victim");
        String victimDevice = http.get("/_matrix/client/v3/account/whoami", victimToken).json().get("device_id").asString();

        List<Response> responses = new ArrayList<>();
        responses.add(http.send("PUT", USERS + encode(userId), token, Map.of("admin", true)));
        responses.add(http.send("PUT", USERS + encode(newUserId("sock")), token, Map.of("password", "pw")));
        responses.add(http.get(USERS + encode(victim), token));
        responses.add(http.get("/_synapse/admin/v2/users", token));
        responses.add(http.send("POST", "/_synapse/admin/v1/deactivate/" + encode(victim), token, Map.of()));
        responses.add(http.get(USERS + encode(victim) + "/devices", token));
        responses.add(http.send("DELETE", USERS + encode(victim) + "/devices/" + encode(victimDevice), token, null));
        for (Response response : responses) {
            assertThat(response.status()).as(response.text()).isEqualTo(403);
            assertThat(response.errcode()).isEqualTo("M_FORBIDDEN");
        }
        assertThat(getUser(userId).json().get("admin").asBoolean()).isFalse();
        assertThat(getUser(victim).json().get("deactivated").asBoolean()).isFalse();
        assertThat(http.get("/_matrix/client/v3/account/whoami", victimToken).status()).isEqualTo(200);
    }

    @Test
    void requestsWithoutOrWithABadTokenAreRefused() {
        String userId = newUserId("anon");
        Response missing = http.send("PUT", USERS + encode(userId), null, Map.of("password", "pw"));
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.errcode()).isEqualTo("M_MISSING_TOKEN");
        assertThat(http.get("/_synapse/admin/v2/users", null).errcode()).isEqualTo("M_MISSING_TOKEN");
        assertThat(http.get("/_synapse/admin/v2/users", "not-a-token").errcode()).isEqualTo("M_UNKNOWN_TOKEN");
        assertThat(getUser(userId).status()).isEqualTo(404);
    }

    @Test
    void serverVersionNamesBollwerk() {
        Response version = http.get("/_synapse/admin/v1/server_version", null);
        assertThat(version.status()).isEqualTo(200);
        assertThat(version.json().get("server_version").asString()).startsWith("Bollwerk");
    }

    private static List<String> names(Response response) {
        List<String> names = new ArrayList<>();
        response.json().get("users").forEach(user -> names.add(user.get("name").asString()));
        return names;
    }
}

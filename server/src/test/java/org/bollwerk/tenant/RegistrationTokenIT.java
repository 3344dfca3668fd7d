package org.bollwerk.tenant;

import org.bollwerk.testsupport.MatrixHttp.Response;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.testsupport.MatrixHttp.encode;
import static org.bollwerk.testsupport.MatrixHttp.uniqueLocalpart;

/** Enrolment tokens: registration into a token's tenant while open registration is off. */
class RegistrationTokenIT extends TenantTestBase {
    private static final String TOKENS = "/_synapse/admin/v1/registration_tokens";

    private JsonNode newToken(Map<String, Object> body) {
        Response created = http.send("POST", TOKENS + "/new", adminToken, body);
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        return created.json();
    }

    private Response register(String username, String token) {
        Map<String, Object> body = new HashMap<>(Map.of("username", username, "password", "pw-" + username));
        if (token != null) body.put("auth", Map.of("type", "m.login.registration_token", "token", token));
        return http.send("POST", V3 + "/register", null, body);
    }

    private boolean valid(String token) {
        return http.get("/_matrix/client/v1/register/m.login.registration_token/validity?token=" + encode(token), null)
                .json().get("valid").asBoolean();
    }

    private boolean userExists(String userId) {
        return http.get(USERS + encode(userId), adminToken).status() == 200;
    }

    @Test
    void aTokenRegistersIntoItsTenantAlthoughOpenRegistrationIsOff() {
        String tenant = uniqueTenantId("enrol");
        String domain = newTenant(tenant);
        JsonNode token = newToken(Map.of("tenant_id", tenant, "uses_allowed", 5));
        String value = token.get("token").asString();
        assertThat(value).hasSize(16);
        assertThat(token.get("tenant_id").asString()).isEqualTo(tenant);
        assertThat(valid(value)).isTrue();

        String username = uniqueLocalpart("newbie");
        Response registered = register(username, value);
        assertThat(registered.status()).as(registered.text()).isEqualTo(200);
        String userId = "@" + username + ":" + domain;
        assertThat(registered.json().get("user_id").asString()).isEqualTo(userId);
        Response whoami = http.get(V3 + "/account/whoami", registered.json().get("access_token").asString());
        assertThat(whoami.json().get("user_id").asString()).isEqualTo(userId);
        assertThat(http.get(TENANTS + "/" + tenant, adminToken).json().get("users").asLong()).isEqualTo(1);
        assertThat(http.get(TOKENS + "/" + value, adminToken).json().get("completed").asLong()).isEqualTo(1);
    }

    @Test
    void withoutATokenRegistrationStaysOffAndAdvertisesTheTokenStage() {
        newToken(Map.of("uses_allowed", 1));  // the token stage is offered while some token is valid
        String username = uniqueLocalpart("walkin");
        Response challenge = register(username, null);
        refused(challenge, 401, "M_UNAUTHORIZED");
        List<String> stages = new ArrayList<>();
        challenge.json().get("flows").forEach(f -> f.get("stages").forEach(s -> stages.add(s.asString())));
        assertThat(stages).containsExactly("m.login.registration_token");
        Map<String, Object> dummy = Map.of("username", username, "password", "pw", "auth", Map.of("type", "m.login.dummy"));
        refused(http.send("POST", V3 + "/register", null, dummy), 403, "M_FORBIDDEN");
        refused(register(username, "no-such-token"), 401, "M_FORBIDDEN");
        assertThat(userExists("@" + username + ":localhost")).isFalse();
        assertThat(valid("no-such-token")).isFalse();
    }

    @Test
    void aUsedUpTokenIsRefusedAndAFailedRegistrationDoesNotUseItUp() {
        String value = newToken(Map.of("uses_allowed", 1)).get("token").asString();
        // The user ID is taken: this attempt fails and must leave the token's one use.
        String taken = uniqueLocalpart("taken");
        http.send("PUT", USERS + encode("@" + taken + ":localhost"), adminToken, Map.of("password", "pw"));
        refused(register(taken, value), 400, "M_USER_IN_USE");
        assertThat(valid(value)).isTrue();

        assertThat(register(uniqueLocalpart("first"), value).status()).isEqualTo(200);
        assertThat(valid(value)).isFalse();
        String second = uniqueLocalpart("second");
        refused(register(second, value), 401, "M_FORBIDDEN");
        assertThat(userExists("@" + second + ":localhost")).isFalse();
        assertThat(http.get(TOKENS + "?valid=false", adminToken).text()).contains(value);
    }

    @Test
    void anExpiredTokenIsRefused() throws InterruptedException {
        String value = newToken(Map.of("expiry_time", System.currentTimeMillis() + 1_000)).get("token").asString();
        long deadline = System.currentTimeMillis() + 10_000;
        while (valid(value) && System.currentTimeMillis() < deadline) Thread.sleep(50);  // until the expiry has passed
        assertThat(valid(value)).isFalse();
        String late = uniqueLocalpart("late");
        refused(register(late, value), 401, "M_FORBIDDEN");
        assertThat(userExists("@" + late + ":localhost")).isFalse();
        // Lifting the expiry makes it usable again.
        Response lifted = http.send("PUT", TOKENS + "/" + value, adminToken, Map.of("expiry_time", Map.of()));
        assertThat(lifted.status()).isEqualTo(400);
        HashMap<String, Object> noExpiry = new HashMap<>();
        noExpiry.put("expiry_time", null);
        assertThat(http.send("PUT", TOKENS + "/" + value, adminToken, noExpiry).json().get("expiry_time").isNull()).isTrue();
        assertThat(register(late, value).status()).isEqualTo(200);
    }

    @Test
    void concurrentRegistrationsNeverExceedUsesAllowed() throws Exception {
        String tenant = uniqueTenantId("rush");
        newTenant(tenant);
        String value = newToken(Map.of("uses_allowed", 3, "tenant_id", tenant)).get("token").asString();
        List<Callable<Integer>> attempts = new ArrayList<>();
        for (int i = 0; i < 12; i++) attempts.add(() -> register(uniqueLocalpart("rush"), value).status());
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Integer> statuses = new ArrayList<>();
        try {
            for (Future<Integer> f : pool.invokeAll(attempts)) statuses.add(f.get());
        } finally {
            pool.shutdownNow();
        }
        assertThat(statuses.stream().filter(s -> s == 200).count()).as(statuses.toString()).isEqualTo(3);
        assertThat(statuses.stream().filter(s -> s == 401).count()).isEqualTo(9);
        assertThat(http.get(TOKENS + "/" + value, adminToken).json().get("completed").asLong()).isEqualTo(3);
        assertThat(http.get(TENANTS + "/" + tenant, adminToken).json().get("users").asLong()).isEqualTo(3);
    }

    @Test
    void theAdminApiCreatesListsUpdatesAndDeletesTokensInSynapsesShapes() {
        String chosen = uniqueLocalpart("Tok_en.");
        JsonNode created = newToken(Map.of("token", chosen, "uses_allowed", 2));
        assertThat(created.get("pending").asLong()).isZero();
        assertThat(created.get("completed").asLong()).isZero();
        assertThat(created.get("expiry_time").isNull()).isTrue();
        assertThat(created.get("tenant_id").asString()).isEqualTo("default");
        assertThat(newToken(Map.of("length", 40)).get("token").asString()).hasSize(40);
        assertThat(newToken(Map.of()).get("token").asString()).hasSize(16);

        refused(http.send("POST", TOKENS + "/new", adminToken, Map.of("token", chosen)), 400, "M_INVALID_PARAM");
        refused(http.send("POST", TOKENS + "/new", adminToken, Map.of("token", "a b")), 400, "M_INVALID_PARAM");
        refused(http.send("POST", TOKENS + "/new", adminToken, Map.of("uses_allowed", -1)), 400, "M_INVALID_PARAM");
        refused(http.send("POST", TOKENS + "/new", adminToken, Map.of("length", 65)), 400, "M_INVALID_PARAM");
        refused(http.send("POST", TOKENS + "/new", adminToken, Map.of("expiry_time", 1000)), 400, "M_INVALID_PARAM");
        refused(http.send("POST", TOKENS + "/new", adminToken, Map.of("tenant_id", "no-such-tenant")), 400, "M_INVALID_PARAM");

        Response listed = http.get(TOKENS, adminToken);
        assertThat(listed.text()).contains(chosen);
        Response updated = http.send("PUT", TOKENS + "/" + chosen, adminToken, Map.of("uses_allowed", 7));
        assertThat(updated.json().get("uses_allowed").asLong()).isEqualTo(7);
        assertThat(http.send("DELETE", TOKENS + "/" + chosen, adminToken, null).status()).isEqualTo(200);
        refused(http.get(TOKENS + "/" + chosen, adminToken), 404, "M_NOT_FOUND");
        refused(http.send("DELETE", TOKENS + "/" + chosen, adminToken, null), 404, "M_NOT_FOUND");
        assertThat(valid(chosen)).isFalse();
    }

    @Test
    void usersWhoAreNotAdminsCannotManageTokens() {
        TenantUser user = newUser("plain", "localhost");
        String value = newToken(Map.of("uses_allowed", 1)).get("token").asString();
        refused(http.get(TOKENS, user.token()), 403, "M_FORBIDDEN");
        refused(http.get(TOKENS + "/" + value, user.token()), 403, "M_FORBIDDEN");
        refused(http.send("POST", TOKENS + "/new", user.token(), Map.of()), 403, "M_FORBIDDEN");
        refused(http.send("PUT", TOKENS + "/" + value, user.token(), Map.of("uses_allowed", 100)), 403, "M_FORBIDDEN");
        refused(http.send("DELETE", TOKENS + "/" + value, user.token(), null), 403, "M_FORBIDDEN");
        assertThat(http.get(TOKENS + "/" + value, adminToken).json().get("uses_allowed").asLong()).isEqualTo(1);
    }
}

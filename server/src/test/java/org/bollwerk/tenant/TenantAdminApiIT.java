package org.bollwerk.tenant;

import org.bollwerk.testsupport.MatrixHttp.Response;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.testsupport.MatrixHttp.encode;
import static org.bollwerk.testsupport.MatrixHttp.uniqueLocalpart;

class TenantAdminApiIT extends TenantTestBase {

    private Response getTenant(String tenantId) {
        return http.get(TENANTS + "/" + tenantId, adminToken);
    }

    private static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(item -> list.add(item.asString()));
        return list;
    }

    @Test
    void anOperatorCreatesATenantWithItsDomainsAndSeesItListed() {
        String id = uniqueTenantId("acme");
        Response created = http.send("POST", TENANTS, adminToken, Map.of("id", id, "name", "ACME GmbH",
                "domains", List.of(id + ".test", "chat." + id + ".test")));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().get("id").asString()).isEqualTo(id);
        assertThat(created.json().get("status").asString()).isEqualTo("active");
        assertThat(strings(created.json().get("domains"))).containsExactlyInAnyOrder(id + ".test", "chat." + id + ".test");

        Response one = getTenant(id);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("name").asString()).isEqualTo("ACME GmbH");
        List<String> listed = new ArrayList<>();
        http.get(TENANTS, adminToken).json().get("tenants").forEach(t -> listed.add(t.get("id").asString()));
        assertThat(listed).contains("default", id);
        assertThat(strings(getTenant("default").json().get("domains"))).containsExactly("localhost");
    }

    @Test
    void aTakenTenantIdOrDomainIsAConflictAndCreatesNothing() {
        String id = uniqueTenantId("first");
        String domain = newTenant(id);
        refused(http.send("POST", TENANTS, adminToken, Map.of("id", id, "name", "Again", "domains", List.of("other-" + domain))),
                409, "M_INVALID_PARAM");
        String second = uniqueTenantId("second");
        refused(http.send("POST", TENANTS, adminToken, Map.of("id", second, "name", "Thief",
                "domains", List.of(second + ".test", domain.toUpperCase()))), 409, "M_INVALID_PARAM");
        refused(http.send("POST", TENANTS, adminToken, Map.of("id", second, "name", "Thief",
                "domains", List.of("localhost"))), 409, "M_INVALID_PARAM");
        refused(getTenant(second), 404, "M_NOT_FOUND");
        assertThat(getTenant(id).json().get("name").asString()).isEqualTo("Tenant " + id);
        // The second tenant's own domain was not half-created either: it is still free.
        assertThat(http.send("POST", TENANTS, adminToken, Map.of("id", second, "name", "Fine",
                "domains", List.of(second + ".test"))).status()).isEqualTo(201);
    }

    @Test
    void malformedTenantsAreRefusedWith400() {
        refused(http.send("POST", TENANTS, adminToken, Map.of("id", "Bad Id", "name", "x", "domains", List.of("a.test"))),
                400, "M_INVALID_PARAM");
        refused(http.send("POST", TENANTS, adminToken, Map.of("id", uniqueTenantId("nodomain"), "name", "x",
                "domains", List.of())), 400, "M_INVALID_PARAM");
        refused(http.send("POST", TENANTS, adminToken, Map.of("id", uniqueTenantId("baddomain"), "name", "x",
                "domains", List.of("not a domain"))), 400, "M_INVALID_PARAM");
        refused(http.send("POST", TENANTS, adminToken, Map.of("id", uniqueTenantId("noname"),
                "domains", List.of("x.test"))), 400, "M_MISSING_PARAM");
        refused(http.send("POST", TENANTS, adminToken, Map.of("id", uniqueTenantId("notlist"), "name", "x",
                "domains", "x.test")), 400, "M_BAD_JSON");
    }

    @Test
    void usersWhoAreNotOperatorsGet403AndChangeNothing() {
        String id = uniqueTenantId("guarded");
        String domain = newTenant(id);
        String userId = "@" + uniqueLocalpart("plain") + ":localhost";
        http.send("PUT", USERS + encode(userId), adminToken, Map.of("password", "pw-plain"));
        String token = http.login(userId, "pw-plain");
        refused(http.get(TENANTS, token), 403, "M_FORBIDDEN");
        refused(http.get(TENANTS + "/" + id, token), 403, "M_FORBIDDEN");
        refused(http.send("POST", TENANTS, token, Map.of("id", uniqueTenantId("evil"), "name", "x",
                "domains", List.of("evil.test"))), 403, "M_FORBIDDEN");
        refused(http.send("PUT", TENANTS + "/" + id, token, Map.of("status", "disabled")), 403, "M_FORBIDDEN");
        refused(http.send("POST", TENANTS + "/" + id + "/domains", token, Map.of("domain", "more-" + domain)),
                403, "M_FORBIDDEN");
        refused(http.send("PUT", TENANTS + "/" + id + "/partners/default", token, null), 403, "M_FORBIDDEN");
        JsonNode tenant = getTenant(id).json();
        assertThat(tenant.get("status").asString()).isEqualTo("active");
        assertThat(strings(tenant.get("domains"))).containsExactly(domain);
        assertThat(strings(tenant.get("partners"))).isEmpty();
        refused(http.get(TENANTS, null), 401, "M_MISSING_TOKEN");
    }

    @Test
    void theSynapseAdminApiCreatesUsersInTheTenantOfTheirDomainWhoLogInWithTheirFullId() {
        String id = uniqueTenantId("acme");
        String domain = newTenant(id);
        String bob = "@bob:" + domain;
        Response created = http.send("PUT", USERS + encode(bob), adminToken, Map.of("password", "bob-secret"));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String token = http.login(bob, "bob-secret");
        Response whoami = http.get(V3 + "/account/whoami", token);
        assertThat(whoami.json().get("user_id").asString()).isEqualTo(bob);
        assertThat(getTenant(id).json().get("users").asLong()).isEqualTo(1);
        // A bare localpart sent to the default host means the server name's user, who does not exist.
        refused(loginResponse("bob", "bob-secret"), 403, "M_FORBIDDEN");
    }

    @Test
    void aBareLocalpartLogsInAtTheTenantDomainTheClientUsedAsHost() {
        String domain = newTenant(uniqueTenantId("host"));
        String localpart = uniqueLocalpart("carla");
        http.send("PUT", USERS + encode("@" + localpart + ":" + domain), adminToken, Map.of("password", "carla-pw"));
        Map<String, Object> login = Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", localpart), "password", "carla-pw");
        Response atTenant = http.sendWithHost("POST", V3 + "/login", domain, null, login);
        assertThat(atTenant.status()).as(atTenant.text()).isEqualTo(200);
        assertThat(atTenant.json().get("user_id").asString()).isEqualTo("@" + localpart + ":" + domain);
        assertThat(atTenant.json().get("home_server").asString()).isEqualTo(domain);
        // An unknown Host falls back to the server name.
        refused(http.sendWithHost("POST", V3 + "/login", "unknown.example", null, login), 403, "M_FORBIDDEN");
    }

    @Test
    void wellKnownAnswersPerHostWithTheTenantsOwnBaseUrl() {
        String id = uniqueTenantId("wk");
        String domain = newTenant(id);
        Response plain = http.sendWithHost("GET", "/.well-known/matrix/client", domain, null, null);
        assertThat(plain.json().path("m.homeserver").path("base_url").asString()).isEqualTo("http://" + domain);
        assertThat(http.send("PUT", TENANTS + "/" + id, adminToken, Map.of("base_url", "https://matrix." + domain)).status())
                .isEqualTo(200);
        Response own = http.sendWithHost("GET", "/.well-known/matrix/client", domain, null, null);
        assertThat(own.json().path("m.homeserver").path("base_url").asString()).isEqualTo("https://matrix." + domain);
        Response other = http.sendWithHost("GET", "/.well-known/matrix/client", "localhost", null, null);
        assertThat(other.json().path("m.homeserver").path("base_url").asString()).isEqualTo("http://localhost");
        refused(http.send("PUT", TENANTS + "/" + id, adminToken, Map.of("base_url", "javascript:alert(1)")),
                400, "M_INVALID_PARAM");
    }

    @Test
    void aDomainCanBeAddedAndRemovedOnlyWhileNoUserHasIt() {
        String id = uniqueTenantId("dom");
        String domain = newTenant(id);
        String extra = "extra." + domain;
        Response added = http.send("POST", TENANTS + "/" + id + "/domains", adminToken, Map.of("domain", extra));
        assertThat(added.status()).as(added.text()).isEqualTo(201);
        assertThat(strings(added.json().get("domains"))).containsExactlyInAnyOrder(domain, extra);
        // Now users can be created there; while one exists, the domain stays.
        String user = "@" + uniqueLocalpart("x") + ":" + extra;
        assertThat(http.send("PUT", USERS + encode(user), adminToken, Map.of("password", "pw")).status()).isEqualTo(201);
        refused(http.send("DELETE", TENANTS + "/" + id + "/domains/" + extra, adminToken, null), 409, "M_INVALID_PARAM");

        String unused = "unused." + domain;
        http.send("POST", TENANTS + "/" + id + "/domains", adminToken, Map.of("domain", unused));
        http.send("PUT", USERS + encode("@warm:" + unused), adminToken, Map.of("password", "pw"));  // warms the cache
        http.send("POST", "/_synapse/admin/v1/deactivate/" + encode("@warm:" + unused), adminToken, null);
        refused(http.send("DELETE", TENANTS + "/" + id + "/domains/" + unused, adminToken, null), 409, "M_INVALID_PARAM");

        String third = "third." + domain;
        http.send("POST", TENANTS + "/" + id + "/domains", adminToken, Map.of("domain", third));
        http.get(USERS + encode("@nobody:" + third), adminToken);  // a lookup that caches the domain
        Response removed = http.send("DELETE", TENANTS + "/" + id + "/domains/" + third, adminToken, null);
        assertThat(removed.status()).as(removed.text()).isEqualTo(200);
        assertThat(strings(removed.json().get("domains"))).doesNotContain(third);
        // The removal reached the domain cache: nobody can be created on it any more.
        refused(http.send("PUT", USERS + encode("@late:" + third), adminToken, Map.of("password", "pw")),
                400, "M_INVALID_PARAM");
        refused(http.send("DELETE", TENANTS + "/default/domains/localhost", adminToken, null), 400, "M_INVALID_PARAM");
        refused(http.send("DELETE", TENANTS + "/" + id + "/domains/nowhere.test", adminToken, null), 404, "M_NOT_FOUND");
        refused(http.send("POST", TENANTS + "/" + id + "/domains", adminToken, Map.of("domain", "localhost")),
                409, "M_INVALID_PARAM");
    }

    @Test
    void partnershipsArePutAndDeletedBetweenExistingTenants() {
        String a = uniqueTenantId("pa");
        String b = uniqueTenantId("pb");
        newTenant(a);
        newTenant(b);
        Response made = http.send("PUT", TENANTS + "/" + a + "/partners/" + b, adminToken, null);
        assertThat(made.status()).as(made.text()).isEqualTo(200);
        assertThat(strings(made.json().get("partners"))).containsExactly(b);
        assertThat(strings(getTenant(b).json().get("partners"))).containsExactly(a);
        assertThat(http.send("PUT", TENANTS + "/" + b + "/partners/" + a, adminToken, null).status()).isEqualTo(200);
        refused(http.send("PUT", TENANTS + "/" + a + "/partners/" + a, adminToken, null), 400, "M_INVALID_PARAM");
        refused(http.send("PUT", TENANTS + "/" + a + "/partners/nope-x", adminToken, null), 404, "M_NOT_FOUND");
        assertThat(http.send("DELETE", TENANTS + "/" + b + "/partners/" + a, adminToken, null).status()).isEqualTo(200);
        assertThat(strings(getTenant(a).json().get("partners"))).isEmpty();
        refused(http.send("DELETE", TENANTS + "/" + b + "/partners/" + a, adminToken, null), 404, "M_NOT_FOUND");
    }

    @Test
    void aDisabledTenantsUsersCannotLogInAndTheirTokensStopUntilItIsEnabledAgain() {
        String id = uniqueTenantId("off");
        String domain = newTenant(id);
        TenantUser user = newUser("dora", domain);
        Response disabled = http.send("PUT", TENANTS + "/" + id, adminToken, Map.of("status", "disabled"));
        assertThat(disabled.status()).as(disabled.text()).isEqualTo(200);
        assertThat(disabled.json().get("status").asString()).isEqualTo("disabled");
        refused(http.get(V3 + "/account/whoami", user.token()), 403, "M_FORBIDDEN");
        refused(loginResponse(user.userId(), "pw-" + user.userId()), 403, "M_FORBIDDEN");

        http.send("PUT", TENANTS + "/" + id, adminToken, Map.of("status", "active"));
        assertThat(http.get(V3 + "/account/whoami", user.token()).status()).isEqualTo(200);
        refused(http.send("PUT", TENANTS + "/default", adminToken, Map.of("status", "disabled")), 400, "M_INVALID_PARAM");
        refused(http.send("PUT", TENANTS + "/" + id, adminToken, Map.of("status", "paused")), 400, "M_INVALID_PARAM");
        assertThat(getTenant("default").json().get("status").asString()).isEqualTo("active");
    }
}

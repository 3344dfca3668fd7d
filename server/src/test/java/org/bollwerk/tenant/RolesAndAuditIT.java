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

/** Tenant admins and helpdesk act only inside their tenant and only as their role allows; all of it is audited. */
class RolesAndAuditIT extends TenantTestBase {

    private record Setup(String tenantA, String domainA, String tenantB, String domainB, TenantUser staff,
                         TenantUser userA, TenantUser userB) {
    }

    private Setup setup(String role) {
        String a = uniqueTenantId("ra");
        String b = uniqueTenantId("rb");
        String domainA = newTenant(a);
        String domainB = newTenant(b);
        TenantUser staff = newUser(role.replace("_", ""), domainA);
        grant(a, role, staff.userId());
        return new Setup(a, domainA, b, domainB, staff, newUser("usera", domainA), newUser("userb", domainB));
    }

    private void grant(String tenant, String role, String userId) {
        Response granted = http.send("PUT", TENANTS + "/" + tenant + "/roles/" + role + "/members/" + encode(userId),
                adminToken, null);
        assertThat(granted.status()).as(granted.text()).isEqualTo(200);
    }

    private Response asStaff(Setup s, String method, String path, Object body) {
        return http.send(method, path, s.staff().token(), body);
    }

    private JsonNode user(String userId) {
        return http.get(USERS + encode(userId), adminToken).json();
    }

    private String deviceOf(TenantUser user) {
        return http.get(V3 + "/account/whoami", user.token()).json().get("device_id").asString();
    }

    @Test
    void aTenantAdminManagesUsersOfTheirTenantButGets403OnAnythingOfAnother() {
        Setup s = setup("tenant_admin");
        String newcomer = "@" + uniqueLocalpart("new") + ":" + s.domainA();
        assertThat(asStaff(s, "PUT", USERS + encode(newcomer), Map.of("password", "pw")).status()).isEqualTo(201);
        assertThat(asStaff(s, "PUT", USERS + encode(s.userA().userId()), Map.of("locked", true)).status()).isEqualTo(200);
        List<String> listed = new ArrayList<>();
        asStaff(s, "GET", "/_synapse/admin/v2/users?locked=true", null).json().get("users")
                .forEach(u -> listed.add(u.get("name").asString()));
        assertThat(listed).contains(newcomer, s.userA().userId()).doesNotContain(s.userB().userId(), "@admin:localhost");
        assertThat(asStaff(s, "GET", TENANTS + "/" + s.tenantA(), null).status()).isEqualTo(200);

        String b = s.userB().userId();
        refused(asStaff(s, "GET", USERS + encode(b), null), 403, "M_FORBIDDEN");
        refused(asStaff(s, "PUT", USERS + encode(b), Map.of("locked", true)), 403, "M_FORBIDDEN");
        refused(asStaff(s, "PUT", USERS + encode("@intruder:" + s.domainB()), Map.of("password", "pw")), 403, "M_FORBIDDEN");
        refused(asStaff(s, "DELETE", USERS + encode(b) + "/devices/" + deviceOf(s.userB()), null), 403, "M_FORBIDDEN");
        refused(asStaff(s, "POST", "/_synapse/admin/v1/deactivate/" + encode(b), null), 403, "M_FORBIDDEN");
        refused(asStaff(s, "GET", TENANTS + "/" + s.tenantB(), null), 403, "M_FORBIDDEN");
        refused(asStaff(s, "GET", TENANTS + "/" + s.tenantB() + "/roles", null), 403, "M_FORBIDDEN");
        refused(asStaff(s, "GET", "/_synapse/admin/v2/users?tenant_id=" + s.tenantB(), null), 403, "M_FORBIDDEN");
        refused(asStaff(s, "POST", "/_synapse/admin/v1/registration_tokens/new", Map.of("tenant_id", s.tenantB())),
                403, "M_FORBIDDEN");
        refused(asStaff(s, "PUT", TENANTS + "/" + s.tenantB() + "/roles/tenant_admin/members/" + encode(s.staff().userId()),
                null), 403, "M_FORBIDDEN");
        // Operator matters stay with operators.
        refused(asStaff(s, "GET", TENANTS, null), 403, "M_FORBIDDEN");
        refused(asStaff(s, "PUT", TENANTS + "/" + s.tenantA() + "/partners/" + s.tenantB(), null), 403, "M_FORBIDDEN");
        refused(asStaff(s, "PUT", USERS + encode(s.userA().userId()), Map.of("admin", true)), 403, "M_FORBIDDEN");
        refused(asStaff(s, "PUT", USERS + encode("@admin:localhost"), Map.of("password", "x")), 403, "M_FORBIDDEN");

        assertThat(user(b).get("locked").asBoolean()).isFalse();
        assertThat(user(b).get("deactivated").asBoolean()).isFalse();
        assertThat(user(s.userA().userId()).get("admin").asBoolean()).isFalse();
        assertThat(http.get(USERS + encode("@intruder:" + s.domainB()), adminToken).status()).isEqualTo(404);
        assertThat(http.get(V3 + "/account/whoami", s.userB().token()).status()).isEqualTo(200);
        assertThat(http.get(TENANTS + "/" + s.tenantA(), adminToken).json().get("partners").isEmpty()).isTrue();
        assertThat(asStaff(s, "POST", "/_synapse/admin/v1/registration_tokens/new", Map.of("tenant_id", s.tenantA()))
                .status()).isEqualTo(200);
    }

    @Test
    void helpdeskResetsPasswordsLocksAndRemovesDevicesButCannotCreateRenameOrGrant() {
        Setup s = setup("helpdesk");
        String a = s.userA().userId();
        assertThat(asStaff(s, "PUT", USERS + encode(a), Map.of("password", "reset-pw")).status()).isEqualTo(200);
        TenantUser relogged = new TenantUser(a, http.login(a, "reset-pw"));
        assertThat(asStaff(s, "DELETE", USERS + encode(a) + "/devices/" + deviceOf(relogged), null).status()).isEqualTo(200);
        refused(http.get(V3 + "/account/whoami", relogged.token()), 401, "M_UNKNOWN_TOKEN");
        assertThat(asStaff(s, "PUT", USERS + encode(a), Map.of("locked", true)).status()).isEqualTo(200);

        refused(asStaff(s, "PUT", USERS + encode("@" + uniqueLocalpart("x") + ":" + s.domainA()), Map.of("password", "pw")),
                403, "M_FORBIDDEN");
        refused(asStaff(s, "PUT", USERS + encode(a), Map.of("displayname", "Renamed")), 403, "M_FORBIDDEN");
        refused(asStaff(s, "POST", "/_synapse/admin/v1/deactivate/" + encode(a), null), 403, "M_FORBIDDEN");
        refused(asStaff(s, "PUT", TENANTS + "/" + s.tenantA() + "/roles/tenant_admin/members/" + encode(s.staff().userId()),
                null), 403, "M_FORBIDDEN");
        refused(asStaff(s, "PUT", TENANTS + "/" + s.tenantA() + "/roles/mine", Map.of("permissions", List.of("roles.manage"))),
                403, "M_FORBIDDEN");
        refused(asStaff(s, "PUT", USERS + encode(s.userB().userId()), Map.of("locked", true)), 403, "M_FORBIDDEN");
        assertThat(user(a).get("displayname").asString()).isNotEqualTo("Renamed");
        assertThat(user(a).get("deactivated").asBoolean()).isFalse();
        assertThat(user(s.userB().userId()).get("locked").asBoolean()).isFalse();
    }

    @Test
    void aTenantDefinesItsOwnRoleFromThePermissionList() {
        Setup s = setup("tenant_admin");
        Response defined = asStaff(s, "PUT", TENANTS + "/" + s.tenantA() + "/roles/auditor",
                Map.of("permissions", List.of("users.read", "audit.read")));
        assertThat(defined.status()).as(defined.text()).isEqualTo(200);
        refused(asStaff(s, "PUT", TENANTS + "/" + s.tenantA() + "/roles/bad", Map.of("permissions", List.of("tenants.create"))),
                400, "M_INVALID_PARAM");
        refused(asStaff(s, "PUT", TENANTS + "/" + s.tenantA() + "/roles/helpdesk", Map.of("permissions", List.of())),
                400, "M_INVALID_PARAM");
        TenantUser auditor = newUser("auditor", s.domainA());
        assertThat(asStaff(s, "PUT", TENANTS + "/" + s.tenantA() + "/roles/auditor/members/" + encode(auditor.userId()), null)
                .status()).isEqualTo(200);
        refused(asStaff(s, "PUT", TENANTS + "/" + s.tenantA() + "/roles/auditor/members/" + encode(s.userB().userId()), null),
                400, "M_INVALID_PARAM");
        assertThat(http.get(USERS + encode(s.userA().userId()), auditor.token()).status()).isEqualTo(200);
        refused(http.send("PUT", USERS + encode(s.userA().userId()), auditor.token(), Map.of("locked", true)), 403, "M_FORBIDDEN");
        JsonNode roles = asStaff(s, "GET", TENANTS + "/" + s.tenantA() + "/roles", null).json();
        assertThat(roles.get("assignments").toString()).contains(auditor.userId(), "auditor");

        assertThat(asStaff(s, "DELETE", TENANTS + "/" + s.tenantA() + "/roles/auditor", null).status()).isEqualTo(200);
        refused(http.get(USERS + encode(s.userA().userId()), auditor.token()), 403, "M_FORBIDDEN");
    }

    @Test
    void everyAdminActionIsAuditedIncludingRefusalsAndTenantAdminsSeeOnlyTheirTenant() {
        Setup s = setup("tenant_admin");
        asStaff(s, "PUT", USERS + encode(s.userA().userId()), Map.of("locked", true));
        asStaff(s, "GET", USERS + encode(s.userB().userId()), null);
        TenantUser nobody = newUser("nobody", "localhost");
        http.get(TENANTS, nobody.token());

        JsonNode entries = http.get("/_bollwerk/admin/v1/audit?limit=50", adminToken).json().get("entries");
        JsonNode lock = find(entries, s.staff().userId(), "PUT /_synapse/admin/v2/users/{userId}");
        assertThat(lock.get("outcome").asString()).isEqualTo("ok");
        assertThat(lock.get("role").asString()).isEqualTo("tenant_admin@" + s.tenantA());
        assertThat(lock.get("tenant_id").asString()).isEqualTo(s.tenantA());
        assertThat(lock.get("target").asString()).isEqualTo("userId=" + s.userA().userId());
        assertThat(lock.get("client_ip").asString()).isEqualTo("127.0.0.1");
        assertThat(lock.get("ts").asLong()).isGreaterThan(System.currentTimeMillis() - 60_000);
        JsonNode peek = find(entries, s.staff().userId(), "GET /_synapse/admin/v2/users/{userId}");
        assertThat(peek.get("outcome").asString()).isEqualTo("refused");
        assertThat(peek.get("status").asInt()).isEqualTo(403);
        assertThat(find(entries, nobody.userId(), "GET /_bollwerk/admin/v1/tenants").get("outcome").asString())
                .isEqualTo("refused");

        JsonNode own = asStaff(s, "GET", "/_bollwerk/admin/v1/audit", null).json().get("entries");
        assertThat(own.isEmpty()).isFalse();
        own.forEach(e -> assertThat(e.get("tenant_id").asString()).isEqualTo(s.tenantA()));
        refused(asStaff(s, "GET", "/_bollwerk/admin/v1/audit?tenant_id=" + s.tenantB(), null), 403, "M_FORBIDDEN");
    }

    private static JsonNode find(JsonNode entries, String actor, String action) {
        for (JsonNode entry : entries) {
            if (actor.equals(entry.path("actor").asString(null)) && action.equals(entry.path("action").asString())) return entry;
        }
        throw new AssertionError("no audit entry for " + actor + " " + action + " in " + entries);
    }
}

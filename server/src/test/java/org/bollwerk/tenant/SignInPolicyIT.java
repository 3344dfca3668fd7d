package org.bollwerk.tenant;

import org.bollwerk.testsupport.MatrixHttp.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.testsupport.MatrixHttp.encode;
import static org.bollwerk.testsupport.MatrixHttp.uniqueLocalpart;

class SignInPolicyIT extends TenantTestBase {

    private String groups(String tenantId) {
        return TENANTS + "/" + tenantId + "/groups";
    }

    @Test
    void withSignInGroupsOnlyTheirMembersMaySignInAndOthersTokensStopAtOnce() {
        String tenantId = uniqueTenantId("wl");
        String domain = newTenant(tenantId);
        TenantUser staff = newUser("staff", domain);
        TenantUser guest = newUser("guest", domain);
        assertThat(http.send("POST", groups(tenantId), adminToken, Map.of("id", "staff", "name", "Staff")).status()).isEqualTo(201);
        assertThat(http.send("PUT", groups(tenantId) + "/staff/members/" + encode(staff.userId()), adminToken, null).status())
                .isEqualTo(200);

        Response policy = http.send("PUT", TENANTS + "/" + tenantId + "/policy", adminToken, Map.of("sign_in_groups", List.of("staff")));
        assertThat(policy.status()).as(policy.text()).isEqualTo(200);

        assertThat(http.get(V3 + "/account/whoami", staff.token()).status()).isEqualTo(200);
        refused(http.get(V3 + "/account/whoami", guest.token()), 403, "M_FORBIDDEN");
        refused(loginResponse(guest.userId(), "pw-" + guest.userId()), 403, "M_FORBIDDEN");
        assertThat(loginResponse(staff.userId(), "pw-" + staff.userId()).status()).isEqualTo(200);

        // Opening the policy again lets everybody back in, with their old tokens.
        http.send("PUT", TENANTS + "/" + tenantId + "/policy", adminToken, Map.of("sign_in_groups", List.of()));
        assertThat(http.get(V3 + "/account/whoami", guest.token()).status()).isEqualTo(200);
    }

    @Test
    void groupsOnlyTakeUsersOfTheirTenantAndBadInputChangesNothing() {
        String tenantId = uniqueTenantId("grp");
        String domain = newTenant(tenantId);
        String otherDomain = newTenant(uniqueTenantId("other"));
        TenantUser outsider = newUser("outsider", otherDomain);
        newUser("member", domain);
        http.send("POST", groups(tenantId), adminToken, Map.of("id", "team", "name", "Team"));
        refused(http.send("PUT", groups(tenantId) + "/team/members/" + encode(outsider.userId()), adminToken, null),
                400, "M_INVALID_PARAM");
        refused(http.send("POST", groups(tenantId), adminToken, Map.of("id", "team", "name", "Again")), 409, "M_INVALID_PARAM");
        refused(http.send("POST", groups(tenantId), adminToken, Map.of("id", "Bad ID!", "name", "x")), 400, "M_INVALID_PARAM");
        refused(http.send("PUT", TENANTS + "/" + tenantId + "/policy", adminToken, Map.of("sign_in_groups", List.of("nope"))),
                404, "M_NOT_FOUND");
        refused(http.send("PUT", TENANTS + "/" + tenantId + "/policy", adminToken, Map.of("sign_in_groups", "team")),
                400, "M_BAD_JSON");
        refused(http.send("GET", groups("no-such-tenant"), adminToken, null), 404, "M_NOT_FOUND");
        assertThat(http.get(TENANTS + "/" + tenantId + "/policy", adminToken).json().path("sign_in_groups").size()).isZero();
        assertThat(http.get(groups(tenantId) + "/team", adminToken).json().path("members").size()).isZero();

        TenantUser user = newUser("plain", domain);
        refused(http.send("POST", groups(tenantId), user.token(), Map.of("id", "mine", "name", "Mine")), 403, "M_FORBIDDEN");
        http.send("PUT", TENANTS + "/" + tenantId + "/policy", adminToken, Map.of("sign_in_groups", List.of("team")));
        refused(http.send("DELETE", groups(tenantId) + "/team", adminToken, null), 409, "M_INVALID_PARAM");
        http.send("PUT", TENANTS + "/" + tenantId + "/policy", adminToken, Map.of("sign_in_groups", List.of()));
    }

    @Test
    void aTenantAdminOfTheDefaultTenantCannotLockServerAdminsOutWithTheSignInPolicy() {
        String policy = TENANTS + "/" + Tenant.DEFAULT_ID + "/policy";
        String group = "only-" + uniqueLocalpart("me").replace('_', '-').toLowerCase(java.util.Locale.ROOT);
        TenantUser tenantAdmin = newUser("defadmin", "localhost");
        TenantUser plain = newUser("defplain", "localhost");
        assertThat(http.send("PUT", TENANTS + "/" + Tenant.DEFAULT_ID + "/roles/tenant_admin/members/" + encode(tenantAdmin.userId()),
                adminToken, null).status()).isEqualTo(200);
        assertThat(http.send("POST", groups(Tenant.DEFAULT_ID), adminToken, Map.of("id", group, "name", "Only me")).status())
                .isEqualTo(201);
        assertThat(http.send("PUT", groups(Tenant.DEFAULT_ID) + "/" + group + "/members/" + encode(tenantAdmin.userId()), adminToken, null)
                .status()).isEqualTo(200);
        try {
            Response set = http.send("PUT", policy, tenantAdmin.token(), Map.of("sign_in_groups", List.of(group)));
            assertThat(set.status()).as(set.text()).isEqualTo(200);
            // the operator (@admin:localhost, not in the group) keeps token, login and admin API
            assertThat(http.get(V3 + "/account/whoami", adminToken).status()).isEqualTo(200);
            assertThat(loginResponse("admin", "admin-test-password").status()).isEqualTo(200);
            assertThat(http.get(USERS + encode(plain.userId()), adminToken).status()).isEqualTo(200);
            // everybody else outside the group is shut out
            refused(http.get(V3 + "/account/whoami", plain.token()), 403, "M_FORBIDDEN");
            refused(loginResponse(plain.userId(), "pw-" + plain.userId()), 403, "M_FORBIDDEN");
        } finally {
            assertThat(http.send("PUT", policy, adminToken, Map.of("sign_in_groups", List.of())).status()).isEqualTo(200);
        }
        assertThat(http.get(V3 + "/account/whoami", plain.token()).status()).isEqualTo(200);
    }

    @Test
    void aCustomRoleCannotShutOutTheTenantAdminsWithTheSignInPolicy() {
        String tenantId = uniqueTenantId("shut");
        String domain = newTenant(tenantId);
        TenantUser tenantAdmin = newUser("tadmin", domain);
        TenantUser deputy = newUser("deputy", domain);
        String roles = TENANTS + "/" + tenantId + "/roles/";
        http.send("PUT", roles + "tenant_admin/members/" + encode(tenantAdmin.userId()), adminToken, null);
        http.send("PUT", roles + "deputy", adminToken, Map.of("permissions", List.of("users.read", "roles.manage", "tenant.read")));
        assertThat(http.send("PUT", roles + "deputy/members/" + encode(deputy.userId()), adminToken, null).status()).isEqualTo(200);
        http.send("POST", groups(tenantId), adminToken, Map.of("id", "deputies", "name", "Deputies"));
        assertThat(http.send("PUT", groups(tenantId) + "/deputies/members/" + encode(deputy.userId()), deputy.token(), null).status())
                .isEqualTo(200);

        refused(http.send("PUT", TENANTS + "/" + tenantId + "/policy", deputy.token(), Map.of("sign_in_groups", List.of("deputies"))),
                403, "M_FORBIDDEN");
        assertThat(http.get(V3 + "/account/whoami", tenantAdmin.token()).status()).isEqualTo(200);
        // with the tenant admin in the group, the same policy shuts out only accounts the deputy dominates
        assertThat(http.send("PUT", groups(tenantId) + "/deputies/members/" + encode(tenantAdmin.userId()), adminToken, null).status())
                .isEqualTo(200);
        assertThat(http.send("PUT", TENANTS + "/" + tenantId + "/policy", deputy.token(), Map.of("sign_in_groups", List.of("deputies")))
                .status()).isEqualTo(200);
        // and removing the tenant admin from the group is an action on an account it does not dominate
        refused(http.send("DELETE", groups(tenantId) + "/deputies/members/" + encode(tenantAdmin.userId()), deputy.token(), null),
                403, "M_FORBIDDEN");
        assertThat(http.get(V3 + "/account/whoami", tenantAdmin.token()).status()).isEqualTo(200);
    }
}

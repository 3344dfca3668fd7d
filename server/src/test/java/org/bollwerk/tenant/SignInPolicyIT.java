package org.bollwerk.tenant;

import org.bollwerk.testsupport.MatrixHttp.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.testsupport.MatrixHttp.encode;

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
}

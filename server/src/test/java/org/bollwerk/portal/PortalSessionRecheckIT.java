package org.bollwerk.portal;

import org.bollwerk.tenant.TenantGroups;
import org.bollwerk.tenant.TenantRoles;
import org.bollwerk.tenant.TenantService;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A portal session and the admin API token it issued obey what a sign-in obeys, on every request: locking,
 * deactivating, disabling the tenant, the tenant's sign-in policy, a password reset and losing the last role end
 * the session at once (and it stays ended when the change is undone), and the issued token is refused as any
 * token is.
 */
class PortalSessionRecheckIT extends PortalTestBase {
    @Autowired
    TenantRoles roles;
    @Autowired
    TenantGroups groups;

    /** What happens to the signed-in tenant admin, how it is undone (null: not undoable), and the admin API's answer then. */
    private record Case(String name, BiConsumer<String, String> apply, BiConsumer<String, String> undo, int apiStatus,
                        String apiErrcode) {
    }

    private List<Case> cases() {
        return List.of(
                new Case("locked", (tenant, user) -> accounts.setLocked(user, true), (tenant, user) -> accounts.setLocked(user, false),
                        401, "M_USER_LOCKED"),
                new Case("deactivated", (tenant, user) -> accounts.deactivate(user, false), null, 401, "M_UNKNOWN_TOKEN"),
                new Case("tenant disabled", (tenant, user) -> tenants.update(tenant, null, "disabled", null),
                        (tenant, user) -> tenants.update(tenant, null, "active", null), 403, "M_FORBIDDEN"),
                new Case("shut out by the sign-in policy", (tenant, user) -> {
                    groups.create(tenant, "others", "Others");
                    groups.setSignInGroups(tenant, List.of("others"));
                }, (tenant, user) -> groups.setSignInGroups(tenant, List.of()), 403, "M_FORBIDDEN"),
                new Case("password reset by another admin", (tenant, user) -> accounts.setPassword(user, "reset-password-1", true, null),
                        null, 401, "M_UNKNOWN_TOKEN"),
                new Case("last role removed", (tenant, user) -> roles.unassign(tenant, TenantRoles.TENANT_ADMIN, user),
                        (tenant, user) -> roles.assign(tenant, TenantRoles.TENANT_ADMIN, user), 403, "M_FORBIDDEN"));
    }

    @Test
    void aSessionAndItsAdminApiTokenEndWhenTheAccountMayNoLongerSignIn() {
        MatrixHttp http = new MatrixHttp(port);
        List<String> wrong = new ArrayList<>();
        for (Case c : cases()) {
            String tenantId = newTenant("recheck");
            String admin = newUserIn(tenantId, "tadmin", false);
            roles.assign(tenantId, TenantRoles.TENANT_ADMIN, admin);
            String victim = newUserIn(tenantId, "victim", false);
            PortalClient client = new PortalClient(port);
            client.open("/admin/login");
            signInAndEnrol(client, admin);
            String token = apiToken(client);
            String usersOfTenant = "/_synapse/admin/v2/users?tenant_id=" + tenantId;
            assertThat(client.get("/admin").status()).isEqualTo(200);
            assertThat(http.get(usersOfTenant, token).status()).isEqualTo(200);

            c.apply().accept(tenantId, admin);

            PortalClient.Page page = client.get("/admin/users");
            if (page.status() != 303 || !"/admin/login".equals(page.location())) wrong.add(c.name() + ": page answered " + page.status());
            PortalClient.Page action = client.post("/admin/users/" + PortalClient.path(victim) + "/lock", Map.of("locked", "true"));
            if ((action.status() != 401 && action.status() != 403) || accounts.user(victim).orElseThrow().locked()) {
                wrong.add(c.name() + ": action answered " + action.status());
            }
            MatrixHttp.Response api = http.get(usersOfTenant, token);
            if (api.status() != c.apiStatus() || !c.apiErrcode().equals(api.errcode())) {
                wrong.add(c.name() + ": admin API answered " + api.status() + " " + api.text());
            }
            if (c.undo() != null) {
                c.undo().accept(tenantId, admin);
                if (client.get("/admin").status() != 303) wrong.add(c.name() + ": the session came back after undoing");
                if (http.get(usersOfTenant, token).status() != 200) wrong.add(c.name() + ": the token did not come back after undoing");
            }
            if (auditOf(admin).stream().noneMatch(e -> e.action().startsWith("portal session ended"))) {
                wrong.add(c.name() + ": no audit entry for the ended session");
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void operatorsAreExemptFromTheSignInPolicyOfTheirTenant() {
        String tenantId = newTenant("exempt");
        String operator = newUserIn(tenantId, "operator", true);
        PortalClient client = new PortalClient(port);
        client.open("/admin/login");
        signInAndEnrol(client, operator);
        groups.create(tenantId, "nobody", "Nobody");
        groups.setSignInGroups(tenantId, List.of("nobody"));
        try {
            assertThat(client.get("/admin").status()).isEqualTo(200);
            assertThat(new MatrixHttp(port).get("/_synapse/admin/v2/users?limit=1", apiToken(client)).status()).isEqualTo(200);
        } finally {
            groups.setSignInGroups(tenantId, List.of());
        }
    }

    private static String apiToken(PortalClient client) {
        PortalClient.Page issued = client.submit("/admin/api-token", Map.of());
        Matcher token = Pattern.compile("id=\"api-token\">([^<]+)<").matcher(issued.body());
        assertThat(token.find()).as(issued.body()).isTrue();
        return token.group(1);
    }
}

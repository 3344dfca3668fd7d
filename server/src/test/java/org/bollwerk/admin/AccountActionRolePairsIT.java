package org.bollwerk.admin;

import org.bollwerk.account.AccountService;
import org.bollwerk.account.UserAccount;
import org.bollwerk.tenant.AccountAction;
import org.bollwerk.tenant.TenantGroups;
import org.bollwerk.tenant.TenantRoles;
import org.bollwerk.tenant.TenantTestBase;
import org.bollwerk.testsupport.MatrixHttp.Response;
import org.bollwerk.testsupport.RolePairs;
import org.bollwerk.testsupport.RolePairs.Standing;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.testsupport.MatrixHttp.encode;
import static org.bollwerk.testsupport.MatrixHttp.uniqueLocalpart;

/**
 * Every standing (operator, tenant_admin, helpdesk, a custom role with roles.manage, plain user) does every
 * account action of the admin API to a fresh account of every standing in the same tenant. Each answer and its
 * effect must match {@link RolePairs#allowed}: 200 and the change made, or 403 and nothing changed.
 */
class AccountActionRolePairsIT extends TenantTestBase {
    private static final String DEVICE = "TARGETDEVICE";
    private static final String NEW_PASSWORD = "new-password-1";

    @Autowired
    AccountService accounts;
    @Autowired
    TenantRoles roles;
    @Autowired
    TenantGroups groups;

    private record World(String tenantId, String domain, Map<Standing, String> tokens) {
    }

    private World world() {
        String tenantId = uniqueTenantId("pairs");
        String domain = newTenant(tenantId);
        roles.putRole(tenantId, RolePairs.DEPUTY, RolePairs.DEPUTY_PERMISSIONS);
        roles.putRole(tenantId, RolePairs.VIEWER, RolePairs.VIEWER_PERMISSIONS);
        groups.create(tenantId, RolePairs.GROUP, "Staff");
        Map<Standing, String> tokens = new EnumMap<>(Standing.class);
        for (Standing standing : Standing.values()) {
            if (standing.operator()) {
                tokens.put(standing, adminToken);
                continue;
            }
            TenantUser actor = newUser("actor" + standing.ordinal(), domain);
            if (standing.role != null) roles.assign(tenantId, standing.role, actor.userId());
            tokens.put(standing, actor.token());
        }
        return new World(tenantId, domain, tokens);
    }

    /** A fresh account of that standing with one device, prepared so that {@code action} can change something. */
    private String target(World world, Standing standing, AccountAction action) {
        String userId = "@" + uniqueLocalpart("target" + standing.ordinal()) + ":" + world.domain();
        accounts.createUser(userId, null, "Target", standing.operator());   // no password: no costly hash per case
        if (standing.role != null) roles.assign(world.tenantId(), standing.role, userId);
        accounts.openSession(userId, DEVICE, "phone", "127.0.0.1");
        switch (action) {
            case UNLOCK -> accounts.setLocked(userId, true);
            case REACTIVATE -> accounts.deactivate(userId, false);
            case REMOVE_ROLE -> roles.assign(world.tenantId(), RolePairs.VIEWER, userId);
            case REMOVE_FROM_GROUP -> groups.addMember(world.tenantId(), RolePairs.GROUP, userId);
            default -> { }
        }
        return userId;
    }

    /** The admin API request for the action, or null where the admin API offers none (portal only). */
    private Response perform(World world, String token, AccountAction action, String target, Standing targetStanding) {
        String user = USERS + encode(target);
        String roleMember = TENANTS + "/" + world.tenantId() + "/roles/" + RolePairs.VIEWER + "/members/" + encode(target);
        String groupMember = TENANTS + "/" + world.tenantId() + "/groups/" + RolePairs.GROUP + "/members/" + encode(target);
        return switch (action) {
            case RESET_PASSWORD -> http.send("PUT", user, token, Map.of("password", NEW_PASSWORD, "logout_devices", false));
            case LOCK -> http.send("PUT", user, token, Map.of("locked", true));
            case UNLOCK -> http.send("PUT", user, token, Map.of("locked", false));
            case DEACTIVATE -> http.send("POST", "/_synapse/admin/v1/deactivate/" + encode(target), token, Map.of());
            case REACTIVATE -> http.send("PUT", user, token, Map.of("deactivated", false, "password", NEW_PASSWORD));
            case CHANGE_PROFILE -> http.send("PUT", user, token, Map.of("displayname", "Renamed"));
            case REMOVE_DEVICE -> http.send("DELETE", user + "/devices/" + DEVICE, token, null);
            case ASSIGN_ROLE -> http.send("PUT", roleMember, token, null);
            case REMOVE_ROLE -> http.send("DELETE", roleMember, token, null);
            case ADD_TO_GROUP -> http.send("PUT", groupMember, token, null);
            case REMOVE_FROM_GROUP -> http.send("DELETE", groupMember, token, null);
            case CHANGE_SERVER_ADMIN -> http.send("PUT", user, token, Map.of("admin", !targetStanding.operator()));
            case RESET_SECOND_FACTOR -> null;
        };
    }

    /** Whether the action's change is in the database. */
    private boolean changed(World world, AccountAction action, String target, Standing targetStanding) {
        UserAccount account = accounts.user(target).orElseThrow();
        return switch (action) {
            case RESET_PASSWORD -> accounts.checkPassword(target, NEW_PASSWORD);
            case LOCK -> account.locked();
            case UNLOCK -> !account.locked();
            case DEACTIVATE -> account.deactivated();
            case REACTIVATE -> !account.deactivated();
            case CHANGE_PROFILE -> "Renamed".equals(http.get(USERS + encode(target), adminToken).json().path("displayname").asString(""));
            case REMOVE_DEVICE -> accounts.device(target, DEVICE).isEmpty();
            case ASSIGN_ROLE -> holds(world, target);
            case REMOVE_ROLE -> !holds(world, target);
            case ADD_TO_GROUP -> inGroup(world, target);
            case REMOVE_FROM_GROUP -> !inGroup(world, target);
            case CHANGE_SERVER_ADMIN -> account.admin() != targetStanding.operator();
            case RESET_SECOND_FACTOR -> throw new IllegalStateException("not an admin API action");
        };
    }

    private boolean holds(World world, String userId) {
        return roles.assignments(world.tenantId()).contains(new TenantRoles.Assignment(userId, RolePairs.VIEWER));
    }

    private boolean inGroup(World world, String userId) {
        return groups.group(world.tenantId(), RolePairs.GROUP).members().contains(userId);
    }

    @Test
    void everyRoleActsThroughTheAdminApiOnlyOnAccountsWhoseRightsItHolds() {
        World world = world();
        List<String> wrong = new ArrayList<>();
        int cases = 0;
        for (Standing actor : Standing.values()) {
            for (Standing targetStanding : Standing.values()) {
                for (AccountAction action : AccountAction.values()) {
                    String target = target(world, targetStanding, action);
                    Response response = perform(world, world.tokens().get(actor), action, target, targetStanding);
                    if (response == null) continue;
                    cases++;
                    Set<String> extra = action == AccountAction.REMOVE_ROLE ? Set.copyOf(RolePairs.VIEWER_PERMISSIONS) : Set.of();
                    // reactivating with a new password is also a password reset
                    boolean expected = RolePairs.allowed(actor, action, targetStanding, extra)
                            && (action != AccountAction.REACTIVATE || RolePairs.allowed(actor, AccountAction.RESET_PASSWORD, targetStanding, extra));
                    boolean changed = changed(world, action, target, targetStanding);
                    boolean answeredAsExpected = expected ? response.status() == 200
                            : response.status() == 403 && "M_FORBIDDEN".equals(response.errcode());
                    if (!answeredAsExpected || changed != expected) {
                        wrong.add(actor + " " + action + " " + targetStanding + ": expected " + (expected ? "allowed" : "refused")
                                + ", got " + response.status() + " " + response.text() + ", changed=" + changed);
                    }
                }
            }
        }
        assertThat(cases).isGreaterThanOrEqualTo(Standing.values().length * Standing.values().length * 11);
        assertThat(wrong).as("role pairs answered against the rule").isEmpty();
    }

    @Test
    void aRoleWithRolesManageCannotGrantItselfOrAnyoneMoreThanItHas() {
        World world = world();
        String tenant = TENANTS + "/" + world.tenantId();
        String deputy = world.tokens().get(Standing.CUSTOM_DEPUTY);
        String deputyId = http.get(V3 + "/account/whoami", deputy).json().get("user_id").asString();
        TenantUser plain = newUser("plain", world.domain());

        // more than it has: a new role, its own role widened, a built-in role handed out (to itself or others)
        refused(http.send("PUT", tenant + "/roles/superrole", deputy, Map.of("permissions", List.of("users.read", "users.deactivate"))),
                403, "M_FORBIDDEN");
        refused(http.send("PUT", tenant + "/roles/" + RolePairs.DEPUTY, deputy,
                Map.of("permissions", append(RolePairs.DEPUTY_PERMISSIONS, "devices.delete"))), 403, "M_FORBIDDEN");
        refused(http.send("PUT", tenant + "/roles/tenant_admin/members/" + encode(deputyId), deputy, null), 403, "M_FORBIDDEN");
        refused(http.send("PUT", tenant + "/roles/tenant_admin/members/" + encode(plain.userId()), deputy, null), 403, "M_FORBIDDEN");
        refused(http.send("PUT", tenant + "/roles/helpdesk/members/" + encode(plain.userId()), deputy, null), 403, "M_FORBIDDEN");
        assertThat(roles.role(world.tenantId(), "superrole")).isEmpty();
        assertThat(roles.permissions(deputyId, world.tenantId())).containsExactlyInAnyOrderElementsOf(RolePairs.DEPUTY_PERMISSIONS);
        assertThat(roles.permissions(plain.userId(), world.tenantId())).isEmpty();

        // a role held by someone it does not dominate is not its to change or delete
        roles.putRole(world.tenantId(), "shared", List.of("users.read"));
        String tenantAdminId = http.get(V3 + "/account/whoami", world.tokens().get(Standing.TENANT_ADMIN)).json().get("user_id").asString();
        roles.assign(world.tenantId(), "shared", tenantAdminId);
        refused(http.send("PUT", tenant + "/roles/shared", deputy, Map.of("permissions", List.of("users.read", "users.lock"))),
                403, "M_FORBIDDEN");
        refused(http.send("DELETE", tenant + "/roles/shared", deputy, null), 403, "M_FORBIDDEN");
        assertThat(roles.role(world.tenantId(), "shared").orElseThrow().permissions()).containsExactly("users.read");

        // within its own rights it manages roles as before
        assertThat(http.send("PUT", tenant + "/roles/lesser", deputy, Map.of("permissions", List.of("users.read", "users.lock")))
                .status()).isEqualTo(200);
        assertThat(http.send("PUT", tenant + "/roles/lesser/members/" + encode(plain.userId()), deputy, null).status()).isEqualTo(200);
        assertThat(http.send("DELETE", tenant + "/roles/lesser/members/" + encode(plain.userId()), deputy, null).status()).isEqualTo(200);
        assertThat(http.send("DELETE", tenant + "/roles/lesser", deputy, null).status()).isEqualTo(200);
        // and a tenant admin, holding every permission, still hands out any role
        assertThat(http.send("PUT", tenant + "/roles/helpdesk/members/" + encode(plain.userId()), world.tokens().get(Standing.TENANT_ADMIN),
                null).status()).isEqualTo(200);
    }

    @Test
    void helpdeskCannotTakeOverATenantAdminByResettingItsPassword() {
        World world = world();
        String admin = target(world, Standing.TENANT_ADMIN, AccountAction.RESET_PASSWORD);
        accounts.setPassword(admin, "old-password-1", false, null);
        String helpdesk = world.tokens().get(Standing.HELPDESK);
        refused(http.send("PUT", USERS + encode(admin), helpdesk, Map.of("password", NEW_PASSWORD)), 403, "M_FORBIDDEN");
        refused(http.send("PUT", USERS + encode(admin), helpdesk, Map.of("locked", true)), 403, "M_FORBIDDEN");
        refused(http.send("DELETE", USERS + encode(admin) + "/devices/" + DEVICE, helpdesk, null), 403, "M_FORBIDDEN");
        refused(loginResponse(admin, NEW_PASSWORD), 403, "M_FORBIDDEN");
        assertThat(loginResponse(admin, "old-password-1").status()).isEqualTo(200);
        // the refusal is in the audit trail, without the role that would have allowed it
        Response entries = http.get("/_bollwerk/admin/v1/audit?limit=20", adminToken);
        assertThat(entries.text()).contains("PUT /_synapse/admin/v2/users/{userId}", "refused");
    }

    private static List<String> append(List<String> list, String item) {
        List<String> out = new ArrayList<>(list);
        out.add(item);
        return out;
    }
}

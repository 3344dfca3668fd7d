package org.bollwerk.portal;

import org.bollwerk.tenant.AccountAction;
import org.bollwerk.tenant.TenantGroups;
import org.bollwerk.tenant.TenantRoles;
import org.bollwerk.testsupport.MatrixHttp;
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

/**
 * The portal's account actions decided as in the admin API: every standing (operator, tenant_admin, helpdesk,
 * a custom role with roles.manage, plain user) does every portal account action to a fresh account of every
 * standing; the change happens exactly when {@link RolePairs#allowed} says so.
 */
class PortalAccountActionRolePairsIT extends PortalTestBase {
    private static final String DEVICE = "TARGETDEVICE";
    private static final String NEW_PASSWORD = "new-password-1";

    @Autowired
    TenantRoles roles;
    @Autowired
    TenantGroups groups;
    @Autowired
    SecondFactor secondFactor;

    /** The portal form for the action, or null where the portal offers none (admin API only). */
    private static Map.Entry<String, Map<String, String>> form(AccountAction action, String target) {
        String base = "/admin/users/" + PortalClient.path(target);
        return switch (action) {
            case RESET_PASSWORD -> Map.entry(base + "/password", Map.of("password", NEW_PASSWORD));
            case LOCK -> Map.entry(base + "/lock", Map.of("locked", "true"));
            case UNLOCK -> Map.entry(base + "/lock", Map.of("locked", "false"));
            case DEACTIVATE -> Map.entry(base + "/deactivate", Map.of());
            case REMOVE_DEVICE -> Map.entry(base + "/devices/delete", Map.of("deviceId", DEVICE));
            case ASSIGN_ROLE -> Map.entry(base + "/roles", Map.of("role", RolePairs.VIEWER, "grant", "true"));
            case REMOVE_ROLE -> Map.entry(base + "/roles", Map.of("role", RolePairs.VIEWER, "grant", "false"));
            case ADD_TO_GROUP -> Map.entry(base + "/groups", Map.of("group", RolePairs.GROUP, "member", "true"));
            case REMOVE_FROM_GROUP -> Map.entry(base + "/groups", Map.of("group", RolePairs.GROUP, "member", "false"));
            case RESET_SECOND_FACTOR -> Map.entry(base + "/second-factor/reset", Map.of());
            case REACTIVATE, CHANGE_PROFILE, CHANGE_SERVER_ADMIN -> null;
        };
    }

    private String target(String tenantId, Standing standing, AccountAction action) {
        String userId = "@" + MatrixHttp.uniqueLocalpart("target" + standing.ordinal()) + ":" + tenantId + ".test";
        accounts.createUser(userId, null, "Target", standing.operator());   // no password: no costly hash per case
        if (standing.role != null) roles.assign(tenantId, standing.role, userId);
        accounts.openSession(userId, DEVICE, "phone", "127.0.0.1");
        switch (action) {
            case UNLOCK -> accounts.setLocked(userId, true);
            case REMOVE_ROLE -> roles.assign(tenantId, RolePairs.VIEWER, userId);
            case REMOVE_FROM_GROUP -> groups.addMember(tenantId, RolePairs.GROUP, userId);
            case RESET_SECOND_FACTOR -> {
                String secret = secondFactor.pendingSecret(userId, tenantId);
                assertThat(secondFactor.confirm(userId, Totp.code(secret, Totp.stepAt(System.currentTimeMillis())))).isPresent();
            }
            default -> { }
        }
        return userId;
    }

    private boolean changed(String tenantId, AccountAction action, String target) {
        var account = accounts.user(target).orElseThrow();
        return switch (action) {
            case RESET_PASSWORD -> accounts.checkPassword(target, NEW_PASSWORD);
            case LOCK -> account.locked();
            case UNLOCK -> !account.locked();
            case DEACTIVATE -> account.deactivated();
            case REMOVE_DEVICE -> accounts.device(target, DEVICE).isEmpty();
            case ASSIGN_ROLE -> roles.assignments(tenantId).contains(new TenantRoles.Assignment(target, RolePairs.VIEWER));
            case REMOVE_ROLE -> !roles.assignments(tenantId).contains(new TenantRoles.Assignment(target, RolePairs.VIEWER));
            case ADD_TO_GROUP -> groups.group(tenantId, RolePairs.GROUP).members().contains(target);
            case REMOVE_FROM_GROUP -> !groups.group(tenantId, RolePairs.GROUP).members().contains(target);
            case RESET_SECOND_FACTOR -> !secondFactor.enrolled(target);
            case REACTIVATE, CHANGE_PROFILE, CHANGE_SERVER_ADMIN -> throw new IllegalStateException("not a portal action");
        };
    }

    @Test
    void everyRoleActsInThePortalOnlyOnAccountsWhoseRightsItHolds() {
        String tenantId = newTenant("portalpairs");
        roles.putRole(tenantId, RolePairs.DEPUTY, RolePairs.DEPUTY_PERMISSIONS);
        roles.putRole(tenantId, RolePairs.VIEWER, RolePairs.VIEWER_PERMISSIONS);
        groups.create(tenantId, RolePairs.GROUP, "Staff");
        Map<Standing, PortalClient> clients = new EnumMap<>(Standing.class);
        for (Standing standing : Standing.values()) {
            String actor = newUserIn(tenantId, "actor" + standing.ordinal(), standing.operator());
            if (standing.role != null) roles.assign(tenantId, standing.role, actor);
            PortalClient client = new PortalClient(port);
            client.open("/admin/login");
            if (standing == Standing.PLAIN) {
                // a plain user never gets a portal session; its forms meet the sign-in gate
                PortalClient.Page refused = client.post("/admin/login", Map.of("username", actor, "password", PASSWORD));
                assertThat(refused.body()).contains("id=\"problem\"");
            } else {
                signInAndEnrol(client, actor);
            }
            clients.put(standing, client);
        }

        List<String> wrong = new ArrayList<>();
        int cases = 0;
        for (Standing actor : Standing.values()) {
            for (Standing targetStanding : Standing.values()) {
                for (AccountAction action : AccountAction.values()) {
                    String target = target(tenantId, targetStanding, action);
                    Map.Entry<String, Map<String, String>> form = form(action, target);
                    if (form == null) continue;
                    cases++;
                    PortalClient.Page page = clients.get(actor).post(form.getKey(), form.getValue());
                    Set<String> extra = action == AccountAction.REMOVE_ROLE ? Set.copyOf(RolePairs.VIEWER_PERMISSIONS) : Set.of();
                    boolean expected = RolePairs.allowed(actor, action, targetStanding, extra);
                    boolean changed = changed(tenantId, action, target);
                    boolean answered = actor == Standing.PLAIN ? page.status() == 401 || page.status() == 403
                            : page.status() == 302;
                    if (changed != expected || !answered) {
                        wrong.add(actor + " " + action + " " + targetStanding + ": expected " + (expected ? "allowed" : "refused")
                                + ", got " + page.status() + ", changed=" + changed);
                    }
                }
            }
        }
        assertThat(cases).isGreaterThanOrEqualTo(Standing.values().length * Standing.values().length * 10);
        assertThat(wrong).as("role pairs answered against the rule").isEmpty();
    }

    @Test
    void theUserPageOffersHelpdeskNoActionOnATenantAdmin() {
        String tenantId = newTenant("portalpage");
        String helpdesk = newUserIn(tenantId, "helpdesk", false);
        roles.assign(tenantId, TenantRoles.HELPDESK, helpdesk);
        String admin = target(tenantId, Standing.TENANT_ADMIN, AccountAction.LOCK);
        String plain = target(tenantId, Standing.PLAIN, AccountAction.LOCK);
        PortalClient client = new PortalClient(port);
        client.open("/admin/login");
        signInAndEnrol(client, helpdesk);
        String adminPage = client.open("/admin/users/" + PortalClient.path(admin)).body();
        assertThat(adminPage).contains(admin).doesNotContain("/lock\"", "/password\"", "/devices/delete\"");
        String plainPage = client.open("/admin/users/" + PortalClient.path(plain)).body();
        assertThat(plainPage).contains("/lock\"", "/password\"");
    }
}

package org.bollwerk.portal;

import org.bollwerk.account.AccountService;
import org.bollwerk.account.UserAccount;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.tenant.AccountAction;
import org.bollwerk.tenant.AccountActionPolicy;
import org.bollwerk.tenant.Tenant;
import org.bollwerk.tenant.TenantRoles;
import org.bollwerk.tenant.TenantService;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;

/**
 * Who may do what in the portal, decided as the admin API decides it: operators (server admins) may do
 * everything; anyone else needs a role in the target's tenant that grants the permission.
 */
@Component
class PortalAccess {
    static final String OPERATOR = "operator";
    private final AccountService accounts;
    private final TenantService tenants;
    private final TenantRoles roles;
    private final AccountActionPolicy policy;

    PortalAccess(AccountService accounts, TenantService tenants, TenantRoles roles, AccountActionPolicy policy) {
        this.accounts = accounts;
        this.tenants = tenants;
        this.roles = roles;
        this.policy = policy;
    }

    /**
     * The portal is for operators and holders of any tenant role whose account may sign in now: not locked,
     * not deactivated, tenant active, admitted by the tenant's sign-in policy — the rules every access token
     * obeys. Checked at sign-in and again on every portal request ({@link PortalFilter}).
     */
    boolean mayUsePortal(String userId) {
        Optional<UserAccount> user = userId == null ? Optional.empty() : accounts.user(userId);
        if (user.isEmpty() || !accounts.maySignIn(userId)) return false;
        return user.get().admin() || roles.hasAnyRole(userId);
    }

    boolean operator(String userId) {
        return accounts.user(userId).map(UserAccount::admin).orElse(false);
    }

    /** The role that grants {@code permission} in {@code tenantId} ("operator", "tenant_admin@acme"), if any. */
    Optional<String> roleFor(String userId, String permission, String tenantId) {
        if (operator(userId)) return Optional.of(OPERATOR);
        return roles.roleGranting(userId, tenantId, permission).map(role -> role + "@" + tenantId);
    }

    boolean may(String userId, String permission, String tenantId) {
        return roleFor(userId, permission, tenantId).isPresent();
    }

    /** The role granting the permission, or a {@link Forbidden}. */
    String require(String userId, String permission, String tenantId) {
        return roleFor(userId, permission, tenantId).orElseThrow(() -> new Forbidden(permission, tenantId));
    }

    /** Tenants in which the user holds {@code permission}: all for operators. */
    List<String> tenants(String userId, String permission) {
        if (operator(userId)) return tenants.tenants().stream().map(Tenant::id).toList();
        return roles.tenantsGranting(userId, permission);
    }

    /**
     * The role allowing the signed-in admin to do {@code action} to {@code target}, decided as in the admin API
     * ({@link AccountActionPolicy}: the permission and dominance over the target), or a {@link Forbidden}.
     */
    String requireMayAct(String userId, AccountAction action, UserAccount target) {
        return decide(action.name(), target.tenantId(), () -> policy.authorise(actor(userId), action, party(target)));
    }

    boolean mayAct(String userId, AccountAction action, UserAccount target) {
        return policy.allows(actor(userId), action, party(target));
    }

    /** Giving or taking a role of the target's tenant: only roles within the admin's own rights. */
    String requireMayChangeRole(String userId, String role, UserAccount target, boolean grant) {
        return decide(grant ? "assign role" : "remove role", target.tenantId(),
                () -> policy.authoriseRoleChange(actor(userId), target.tenantId(), role, party(target), grant));
    }

    private static String decide(String what, String tenantId, java.util.function.Supplier<String> decision) {
        try {
            String role = decision.get();
            return AccountActionPolicy.OPERATOR.equals(role) ? OPERATOR : role;
        } catch (MatrixException e) {
            if (e.httpStatus() == 403) throw new Forbidden(what, tenantId);
            throw e;
        }
    }

    private AccountActionPolicy.Party actor(String userId) {
        return accounts.user(userId).map(PortalAccess::party).orElseGet(() -> new AccountActionPolicy.Party(userId, null, false));
    }

    private static AccountActionPolicy.Party party(UserAccount account) {
        return new AccountActionPolicy.Party(account.userId(), account.tenantId(), account.admin());
    }

    /** A refused portal action; shown as a message, recorded as refused. */
    static final class Forbidden extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String tenantId;

        Forbidden(String permission, String tenantId) {
            super("missing permission " + permission + " in tenant " + tenantId, null, false, false);
            this.tenantId = tenantId;
        }
    }
}

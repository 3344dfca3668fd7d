package org.bollwerk.portal;

import org.bollwerk.account.AccountService;
import org.bollwerk.account.UserAccount;
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

    PortalAccess(AccountService accounts, TenantService tenants, TenantRoles roles) {
        this.accounts = accounts;
        this.tenants = tenants;
        this.roles = roles;
    }

    /** The portal is for operators and holders of any tenant role; an active, unlocked account. */
    boolean mayUsePortal(String userId) {
        Optional<UserAccount> user = accounts.user(userId);
        if (user.isEmpty() || user.get().deactivated() || user.get().locked()) return false;
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

    /** Accounts of server admins are the operators' business alone. */
    void requireMayManage(String userId, UserAccount target) {
        if (target.admin() && !operator(userId)) throw new Forbidden("operator", target.tenantId());
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

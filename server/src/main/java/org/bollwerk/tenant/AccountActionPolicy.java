package org.bollwerk.tenant;

import org.bollwerk.matrix.MatrixException;
import org.springframework.stereotype.Service;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one place that decides whether an account may act on another account (reset its password, lock,
 * deactivate, wipe a device, change roles or groups, ...), used by the admin API and the portal alike.
 *
 * <p>An actor may do an {@link AccountAction} to a target when it holds the action's permission in the
 * target's tenant <em>and dominates</em> the target:
 * <ul>
 *   <li>an operator (server admin) dominates everybody, other operators included;</li>
 *   <li>nobody else dominates an operator;</li>
 *   <li>otherwise the actor dominates the target when, in every tenant where the target holds a role, the
 *       actor's permissions there (the union of its roles') include all of the target's. An account
 *       without roles is dominated by anyone; equal permission sets dominate each other.</li>
 * </ul>
 * Roles themselves obey the same rule: nobody grants, removes, defines or changes a role with permissions it
 * does not hold, nor changes a role held by someone it does not dominate. So no role can raise itself or
 * anyone else above what it has.
 */
@Service
public class AccountActionPolicy {
    public static final String OPERATOR = "operator";

    private final TenantRoles roles;
    private final TenantGroups groups;

    AccountActionPolicy(TenantRoles roles, TenantGroups groups) {
        this.roles = roles;
        this.groups = groups;
    }

    /** An account as the policy sees it: its ID, its tenant, and whether it is an operator (server admin). */
    public record Party(String userId, String tenantId, boolean operator) {
    }

    /**
     * Returns the role that allows {@code actor} to do {@code action} to {@code target} ({@code operator} or
     * {@code role@tenant}, for the audit trail), or throws 403 {@code M_FORBIDDEN}.
     */
    public String authorise(Party actor, AccountAction action, Party target) {
        if (actor.operator()) return OPERATOR;
        if (action.permission() == null) throw refused("Only operators may do this");
        String role = roles.roleGranting(actor.userId(), target.tenantId(), action.permission())
                .orElseThrow(() -> refused("You may not do this in tenant " + target.tenantId()));
        if (!dominates(actor, target)) throw refused("You may not act on an account with rights you do not hold");
        return role + "@" + target.tenantId();
    }

    /** As {@link #authorise}, without the exception: for pages that show only the actions allowed. */
    public boolean allows(Party actor, AccountAction action, Party target) {
        try {
            authorise(actor, action, target);
            return true;
        } catch (MatrixException e) {
            return false;
        }
    }

    /**
     * Giving {@code target} the role {@code role} of {@code tenantId}, or taking it away: as any account action,
     * and the role's permissions must all be the actor's own there.
     */
    public String authoriseRoleChange(Party actor, String tenantId, String role, Party target, boolean grant) {
        String allowedBy = authorise(actor, grant ? AccountAction.ASSIGN_ROLE : AccountAction.REMOVE_ROLE,
                new Party(target.userId(), tenantId, target.operator()));
        if (!actor.operator()) requireOwn(actor, tenantId, roles.role(tenantId, role).map(TenantRoles.Role::permissions).orElse(Set.of()));
        return allowedBy;
    }

    /**
     * Defining or changing a tenant role ({@code permissions} its new permissions) or deleting it ({@code null}):
     * needs {@code roles.manage}, the role's old and new permissions must all be the actor's own, and the actor
     * must dominate everyone who holds it. Unknown permission names are left to the role's own validation.
     */
    public String authoriseRoleDefinition(Party actor, String tenantId, String role, Collection<String> permissions) {
        if (actor.operator()) return OPERATOR;
        String allowedBy = roles.roleGranting(actor.userId(), tenantId, TenantRoles.ROLES_MANAGE)
                .orElseThrow(() -> refused("You may not do this in tenant " + tenantId));
        roles.role(tenantId, role).ifPresent(existing -> requireOwn(actor, tenantId, existing.permissions()));
        if (permissions != null) {
            requireOwn(actor, tenantId, permissions.stream().filter(TenantRoles.PERMISSIONS::contains).toList());
        }
        for (String holder : roles.holders(tenantId, role)) {
            if (!dominatesRoles(actor.userId(), holder)) throw refused("Someone holding role " + role + " has rights you do not hold");
        }
        return allowedBy + "@" + tenantId;
    }

    /**
     * A tenant's sign-in policy ({@code signInGroups} the groups allowed, empty for everyone) may shut out only
     * role holders the actor dominates. Operators are exempt from sign-in policies, so only tenant roles count
     * here. An unknown group is left to the policy's own validation.
     */
    public String authoriseSignInPolicy(Party actor, String tenantId, List<String> signInGroups) {
        if (actor.operator()) return OPERATOR;
        String allowedBy = roles.roleGranting(actor.userId(), tenantId, TenantRoles.ROLES_MANAGE)
                .orElseThrow(() -> refused("You may not do this in tenant " + tenantId));
        if (!signInGroups.isEmpty()) {
            Set<String> members = new java.util.HashSet<>();
            for (TenantGroups.Group group : groups.groups(tenantId)) {
                if (signInGroups.contains(group.id())) members.addAll(group.members());
            }
            for (TenantRoles.Assignment holder : roles.assignments(tenantId)) {
                if (!members.contains(holder.userId()) && !dominatesRoles(actor.userId(), holder.userId())) {
                    throw refused("The policy would shut out " + holder.userId() + ", who has rights you do not hold");
                }
            }
        }
        return allowedBy + "@" + tenantId;
    }

    /** Whether {@code actor} dominates {@code target} (see the class comment). */
    public boolean dominates(Party actor, Party target) {
        if (actor.operator()) return true;
        if (target.operator()) return false;
        return dominatesRoles(actor.userId(), target.userId());
    }

    private boolean dominatesRoles(String actorId, String targetId) {
        if (actorId.equals(targetId)) return true;
        Map<String, Set<String>> actor = roles.permissionsByTenant(actorId);
        for (Map.Entry<String, Set<String>> held : roles.permissionsByTenant(targetId).entrySet()) {
            if (!actor.getOrDefault(held.getKey(), Set.of()).containsAll(held.getValue())) return false;
        }
        return true;
    }

    private void requireOwn(Party actor, String tenantId, Collection<String> permissions) {
        Set<String> missing = new TreeSet<>(permissions);
        missing.removeAll(roles.permissions(actor.userId(), tenantId));
        if (!missing.isEmpty()) throw refused("You cannot hand out permissions you do not hold: " + String.join(", ", missing));
    }

    private static MatrixException refused(String message) {
        return MatrixException.forbidden(message);
    }
}

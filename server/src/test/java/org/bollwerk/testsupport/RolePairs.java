package org.bollwerk.testsupport;

import org.bollwerk.tenant.AccountAction;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The expected answer for every (actor, account action, target) of the role-pair tests, written down
 * independently of the server's policy from the documented rule (docs/tenants.md, "Who may act on whom"):
 * the actor needs the action's permission in the target's tenant and must dominate the target — operators
 * dominate everybody, nobody else an operator, otherwise the actor's permissions must include the target's.
 * A new standing or action extends every test that iterates these tables.
 */
public final class RolePairs {
    /** A custom role with {@code roles.manage} but without several permissions of tenant_admin and helpdesk. */
    public static final String DEPUTY = "deputy";
    public static final List<String> DEPUTY_PERMISSIONS = List.of("users.read", "users.modify", "users.password",
            "users.lock", "devices.read", "roles.manage", "tenant.read");
    /** A harmless role the role-change actions give and take. */
    public static final String VIEWER = "viewer";
    public static final List<String> VIEWER_PERMISSIONS = List.of("users.read");
    /** The group the group actions add to and remove from. */
    public static final String GROUP = "staff";

    private static final List<String> ALL = List.of("users.read", "users.create", "users.modify", "users.password",
            "users.lock", "users.deactivate", "devices.read", "devices.delete", "registration_tokens.manage",
            "roles.manage", "tenant.read", "audit.read");

    private RolePairs() {
    }

    /** What an account is: an operator (server admin), a holder of one tenant role, or a plain user. */
    public enum Standing {
        OPERATOR(null, ALL),
        TENANT_ADMIN("tenant_admin", ALL),
        HELPDESK("helpdesk", List.of("users.read", "users.password", "users.lock", "devices.read", "devices.delete",
                "tenant.read")),
        CUSTOM_DEPUTY(DEPUTY, DEPUTY_PERMISSIONS),
        PLAIN(null, List.of());

        public final String role;
        public final Set<String> permissions;

        Standing(String role, List<String> permissions) {
            this.role = role;
            this.permissions = new TreeSet<>(permissions);
        }

        public boolean operator() {
            return this == OPERATOR;
        }
    }

    /** The permission an action needs; null for operator-only actions. Exhaustive: a new action must be added. */
    public static String permissionFor(AccountAction action) {
        return switch (action) {
            case RESET_PASSWORD -> "users.password";
            case LOCK, UNLOCK -> "users.lock";
            case DEACTIVATE, REACTIVATE -> "users.deactivate";
            case CHANGE_PROFILE -> "users.modify";
            case REMOVE_DEVICE -> "devices.delete";
            case ASSIGN_ROLE, REMOVE_ROLE, ADD_TO_GROUP, REMOVE_FROM_GROUP -> "roles.manage";
            case RESET_SECOND_FACTOR, CHANGE_SERVER_ADMIN -> null;
        };
    }

    /**
     * Whether {@code actor} may do {@code action} to a target of standing {@code target} that additionally holds
     * {@code extraTargetPermissions} (e.g. the viewer role a removal takes away).
     */
    public static boolean allowed(Standing actor, AccountAction action, Standing target, Set<String> extraTargetPermissions) {
        if (actor.operator()) return true;
        String permission = permissionFor(action);
        if (permission == null || !actor.permissions.contains(permission)) return false;
        if (target.operator()) return false;
        Set<String> targetPermissions = new TreeSet<>(target.permissions);
        targetPermissions.addAll(extraTargetPermissions);
        boolean roleActionWithinOwnRights = switch (action) {
            case ASSIGN_ROLE, REMOVE_ROLE -> actor.permissions.containsAll(VIEWER_PERMISSIONS);
            default -> true;
        };
        return actor.permissions.containsAll(targetPermissions) && roleActionWithinOwnRights;
    }
}

package org.bollwerk.tenant;

/**
 * Everything one account may do to another account, with the tenant permission each needs. Every such
 * action of the admin API and the portal is decided by {@link AccountActionPolicy}; a new action is added
 * here first, and the role-pair tests then cover it for every role.
 */
public enum AccountAction {
    RESET_PASSWORD(TenantRoles.USERS_PASSWORD),
    LOCK(TenantRoles.USERS_LOCK),
    UNLOCK(TenantRoles.USERS_LOCK),
    DEACTIVATE(TenantRoles.USERS_DEACTIVATE),
    REACTIVATE(TenantRoles.USERS_DEACTIVATE),
    CHANGE_PROFILE(TenantRoles.USERS_MODIFY),
    REMOVE_DEVICE(TenantRoles.DEVICES_DELETE),
    ASSIGN_ROLE(TenantRoles.ROLES_MANAGE),
    REMOVE_ROLE(TenantRoles.ROLES_MANAGE),
    ADD_TO_GROUP(TenantRoles.ROLES_MANAGE),
    REMOVE_FROM_GROUP(TenantRoles.ROLES_MANAGE),
    /** Removing a lost TOTP second factor, so that the account enrols a new one at its next portal sign-in. */
    RESET_SECOND_FACTOR(null),
    /** Making an account a server admin or taking that away. */
    CHANGE_SERVER_ADMIN(null);

    private final String permission;

    AccountAction(String permission) {
        this.permission = permission;
    }

    /** The tenant permission this action needs; null when only operators (server admins) may do it. */
    public String permission() {
        return permission;
    }
}

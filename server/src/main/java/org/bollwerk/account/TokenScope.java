package org.bollwerk.account;

import java.util.Set;

/**
 * What a scoped credential may do: permission words in tenants, checked by the policy point of the API it
 * reaches (for admin service accounts {@code admin/AdminAccess}) in addition to the rights of the account
 * it acts for — never more than that account holds now. Integration tokens (issue 21) bring their own words.
 *
 * @param actor       the name the audit trail records ({@code service-account:sa_...})
 * @param permissions permission words: tenant-role permissions and the operator words of {@link ServiceAccounts}
 * @param tenants     tenant IDs, or {@link #ALL_TENANTS}
 * @param operator    whether the account it acts for is an operator (server admin) right now
 */
public record TokenScope(String actor, Set<String> permissions, Set<String> tenants, boolean operator) {
    public static final String ALL_TENANTS = "*";

    public TokenScope {
        permissions = Set.copyOf(permissions);
        tenants = Set.copyOf(tenants);
    }

    public boolean allowsTenant(String tenantId) {
        return tenants.contains(ALL_TENANTS) || (tenantId != null && tenants.contains(tenantId));
    }

    /** {@code permission} in {@code tenantId} is within the scope (the account's own rights are checked apart). */
    public boolean allows(String permission, String tenantId) {
        return permission != null && permissions.contains(permission) && allowsTenant(tenantId);
    }

    /** An operator-only action named {@code word}: needs an operator behind it and the word (or "operator"). */
    public boolean allowsOperatorAction(String word) {
        return operator && (permissions.contains(ServiceAccounts.OPERATOR) || (word != null && permissions.contains(word)));
    }
}

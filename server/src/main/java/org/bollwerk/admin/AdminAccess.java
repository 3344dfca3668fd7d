package org.bollwerk.admin;

import org.bollwerk.account.AccountService;
import org.bollwerk.account.Requester;
import org.bollwerk.account.ServiceAccounts;
import org.bollwerk.account.TokenScope;
import org.bollwerk.account.UserAccount;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.tenant.AccountAction;
import org.bollwerk.tenant.AccountActionPolicy;
import org.bollwerk.tenant.TenantRoles;
import org.bollwerk.tenant.TenantService;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

import java.util.List;

/**
 * The checks every admin endpoint starts with. Operators (server admins) may do everything; anyone else
 * needs a role in the target's tenant that grants the permission — a tenant admin of A gets 403 on
 * anything of B. The role that allowed the action is noted for the audit trail.
 *
 * <p>A service account ({@link Requester#scope()} set) passes the same checks as the account that created it,
 * and in addition each permission and tenant must lie in its scope; operator-only endpoints need an operator
 * behind it and the operator word for them in its scope ({@link TokenScope#allowsOperatorAction}).
 */
@Component
class AdminAccess {
    static final String OPERATOR = "operator";
    static final String OUTSIDE_SCOPE = "This is outside the service account's scope";
    private final AccountService accounts;
    private final TenantService tenants;
    private final TenantRoles roles;
    private final AccountActionPolicy policy;

    AdminAccess(AccountService accounts, TenantService tenants, TenantRoles roles, AccountActionPolicy policy) {
        this.accounts = accounts;
        this.tenants = tenants;
        this.roles = roles;
        this.policy = policy;
    }

    /** Operator-only endpoints that need no tenant (key management): a server admin, or 403. */
    static void requireAdmin(Requester requester) {
        requireAdmin(requester, ServiceAccounts.OPERATOR);
    }

    /**
     * As {@link #requireAdmin(Requester)}; a service account needs {@code scopeWord} (or the general
     * operator word) in its scope — {@link ServiceAccounts#AUDIT_EXPORT} for the audit export job.
     */
    static void requireAdmin(Requester requester, String scopeWord) {
        TokenScope scope = requester.scope();
        if (scope != null ? !scope.allowsOperatorAction(scopeWord) : !requester.admin()) {
            note(null, null);
            throw MatrixException.forbidden(scope != null ? OUTSIDE_SCOPE : "You are not a server admin");
        }
        note(OPERATOR, null);
    }

    /** Operators run the whole deployment (tenants, domains, partnerships, server admins). */
    void requireOperator(Requester requester) {
        if (requester.scope() != null) {
            requireAdmin(requester, ServiceAccounts.OPERATOR);
            return;
        }
        if (!requester.admin()) throw MatrixException.forbidden("You are not an operator");
        note(OPERATOR, null);
    }

    /** An operator's own token, or a service account with an operator behind it (its scope checked apart). */
    static boolean operator(Requester requester) {
        return requester.scope() == null ? requester.admin() : requester.scope().operator();
    }

    /** 403 when a service account's scope does not cover {@code permission} in {@code tenantId}. */
    private static void requireInScope(Requester requester, String permission, String tenantId) {
        TokenScope scope = requester.scope();
        if (scope == null) return;
        boolean inScope = permission == null ? scope.allowsOperatorAction(ServiceAccounts.OPERATOR) && scope.allowsTenant(tenantId)
                : scope.allows(permission, tenantId);
        if (!inScope) {
            note(null, tenantId);
            throw MatrixException.forbidden(OUTSIDE_SCOPE);
        }
    }

    /** The caller holds {@code permission} in {@code tenantId}, as operator or through a role there. */
    void require(Requester requester, String permission, String tenantId) {
        requireInScope(requester, permission, tenantId);
        if (operator(requester)) {
            note(OPERATOR, tenantId);
            return;
        }
        String role = roles.roleGranting(requester.userId(), tenantId, permission).orElse(null);
        note(role == null ? null : role + "@" + tenantId, tenantId);
        if (role == null) throw MatrixException.forbidden("You may not do this in tenant " + tenantId);
    }

    /**
     * Parses the target user ID of a request and checks {@code permission} in its tenant. Callers without
     * any admin role get 403 before the ID is looked at, as before tenants existed.
     */
    String userTarget(Requester requester, String permission, String text) {
        requireAnyAdminRole(requester);
        String userId = localUserId(text);
        requireForUser(requester, permission, userId);
        return userId;
    }

    /** 403 for callers who are neither operators nor hold any role, before anything is looked up. */
    void requireAnyAdminRole(Requester requester) {
        if (!operator(requester) && !roles.hasAnyRole(requester.userId())) {
            note(null, null);
            throw MatrixException.forbidden("You are not a server admin");
        }
    }

    /**
     * Every action on an existing account goes through here: the permission in the target's tenant and
     * dominance over the target ({@link AccountActionPolicy}); 403 otherwise.
     */
    void requireMayAct(Requester requester, AccountAction action, UserAccount target) {
        requireInScope(requester, action.permission(), target.tenantId());
        decide(target.tenantId(), () -> policy.authorise(actor(requester), action, party(target)));
    }

    /** Giving or taking a tenant role: as any account action, and only roles within the caller's own rights. */
    void requireMayChangeRole(Requester requester, String tenantId, String role, String targetUserId, boolean grant) {
        requireInScope(requester, TenantRoles.ROLES_MANAGE, tenantId);
        decide(tenantId, () -> policy.authoriseRoleChange(actor(requester), tenantId, role, party(targetUserId), grant));
    }

    /** Defining, changing ({@code permissions}) or deleting ({@code null}) a tenant role. */
    void requireMayDefineRole(Requester requester, String tenantId, String role, java.util.Collection<String> permissions) {
        requireInScope(requester, TenantRoles.ROLES_MANAGE, tenantId);
        decide(tenantId, () -> policy.authoriseRoleDefinition(actor(requester), tenantId, role, permissions));
    }

    /** Adding to or removing from a group: the sign-in policy may hang on it. */
    void requireMayChangeGroup(Requester requester, String tenantId, String targetUserId, boolean add) {
        AccountAction action = add ? AccountAction.ADD_TO_GROUP : AccountAction.REMOVE_FROM_GROUP;
        AccountActionPolicy.Party target = party(targetUserId);
        requireInScope(requester, action.permission(), tenantId);
        decide(tenantId, () -> policy.authorise(actor(requester), action,
                new AccountActionPolicy.Party(target.userId(), tenantId, target.operator())));
    }

    void requireMaySetSignInPolicy(Requester requester, String tenantId, List<String> groups) {
        requireInScope(requester, TenantRoles.ROLES_MANAGE, tenantId);
        decide(tenantId, () -> policy.authoriseSignInPolicy(actor(requester), tenantId, groups));
    }

    private static void decide(String tenantId, java.util.function.Supplier<String> decision) {
        try {
            String role = decision.get();
            note(AccountActionPolicy.OPERATOR.equals(role) ? OPERATOR : role, tenantId);
        } catch (MatrixException e) {
            note(null, tenantId);
            throw e;
        }
    }

    private static AccountActionPolicy.Party actor(Requester requester) {
        return new AccountActionPolicy.Party(requester.userId(), requester.tenantId(), operator(requester));
    }

    private static AccountActionPolicy.Party party(UserAccount account) {
        return new AccountActionPolicy.Party(account.userId(), account.tenantId(), account.admin());
    }

    /** A possibly unknown account by ID (unknown: no roles, no operator); callers name the tenant acted in. */
    private AccountActionPolicy.Party party(String userId) {
        String parsed;
        try {
            parsed = UserId.parse(userId).toString();
        } catch (MatrixException | IllegalArgumentException e) {
            return new AccountActionPolicy.Party(userId, null, false);   // refused as malformed further on
        }
        return accounts.user(parsed).map(AdminAccess::party).orElseGet(() -> new AccountActionPolicy.Party(parsed, null, false));
    }

    /** As {@link #require} for the tenant of a local user ID. */
    void requireForUser(Requester requester, String permission, String userId) {
        require(requester, permission, tenantOfUser(userId));
    }

    /**
     * The tenants a listing may show: null (all) for operators, else those where the caller holds
     * {@code permission}; {@code requested} narrows it to one. 403 when nothing is left.
     */
    List<String> scope(Requester requester, String permission, String requested) {
        TokenScope limit = requester.scope();
        boolean everyTenant = limit == null || limit.allowsTenant(TokenScope.ALL_TENANTS);
        if (limit != null && !limit.permissions().contains(permission)) {
            note(null, requested);
            throw MatrixException.forbidden(OUTSIDE_SCOPE);
        }
        if (operator(requester) && everyTenant) {
            note(OPERATOR, requested);
            return requested == null ? null : List.of(requested);
        }
        List<String> allowed = operator(requester) ? tenants.tenants().stream().map(org.bollwerk.tenant.Tenant::id).toList()
                : roles.tenantsGranting(requester.userId(), permission);
        if (!everyTenant) allowed = allowed.stream().filter(limit::allowsTenant).toList();
        if (requested != null) allowed = allowed.contains(requested) ? List.of(requested) : List.of();
        if (allowed.isEmpty()) {
            note(null, requested);
            throw MatrixException.forbidden("You are not an administrator of any tenant");
        }
        note(allowed.size() == 1 ? "role@" + allowed.getFirst() : "roles", allowed.size() == 1 ? allowed.getFirst() : null);
        return allowed;
    }

    String tenantOfUser(String userId) {
        return tenants.tenantOfDomain(UserId.parse(userId).domain())
                .orElseThrow(() -> new MatrixException(ErrCode.M_INVALID_PARAM, "Can only manage local users"));
    }

    /** Notes what a successful change did, for its audit entry (never secrets such as passwords). */
    static void noteDetail(String detail) {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (attributes != null) attributes.setAttribute(AdminAuditInterceptor.DETAIL, detail, RequestAttributes.SCOPE_REQUEST);
    }

    private static void note(String role, String tenantId) {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (attributes == null) return;
        attributes.setAttribute(AdminAuditInterceptor.ROLE, role, RequestAttributes.SCOPE_REQUEST);
        attributes.setAttribute(AdminAuditInterceptor.TENANT, tenantId, RequestAttributes.SCOPE_REQUEST);
    }

    /** Parses a user ID from the path; 400 {@code M_INVALID_PARAM} when malformed or not hosted here. */
    String localUserId(String text) {
        UserId userId;
        try {
            userId = UserId.parse(text);
        } catch (MatrixException | IllegalArgumentException e) {
            throw new MatrixException(ErrCode.M_INVALID_PARAM, "Invalid user ID: " + abbreviate(text));
        }
        if (!tenants.isLocalDomain(userId.domain())) {
            throw new MatrixException(ErrCode.M_INVALID_PARAM, "Can only manage local users");
        }
        return userId.toString();
    }

    /** An existing local account, or 404 {@code M_NOT_FOUND}. */
    UserAccount existingUser(String text) {
        return accounts.user(localUserId(text)).orElseThrow(() -> MatrixException.notFound("User not found"));
    }

    static String abbreviate(String text) {
        if (text == null) return "null";
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }
}

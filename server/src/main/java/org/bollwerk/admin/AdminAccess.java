package org.bollwerk.admin;

import org.bollwerk.account.AccountService;
import org.bollwerk.account.Requester;
import org.bollwerk.account.UserAccount;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.tenant.TenantService;
import org.springframework.stereotype.Component;

/** The checks every admin endpoint starts with: the caller is a server admin, the user ID is local. */
@Component
class AdminAccess {
    private final AccountService accounts;
    private final TenantService tenants;

    AdminAccess(AccountService accounts, TenantService tenants) {
        this.accounts = accounts;
        this.tenants = tenants;
    }

    static void requireAdmin(Requester requester) {
        if (!requester.admin()) throw MatrixException.forbidden("You are not a server admin");
    }

    /** Operators run the whole deployment (tenants, domains, partnerships); for now the server admins. */
    void requireOperator(Requester requester) {
        if (!requester.admin()) throw MatrixException.forbidden("You are not an operator");
    }

    /** May the caller administer users, tokens and roles of this tenant? */
    void requireTenantAdmin(Requester requester, String tenantId) {
        requireOperator(requester);
    }

    /**
     * The tenant a listing is limited to: {@code requested} (null: all tenants) for operators; tenant
     * admins see only their own tenant.
     */
    String tenantScope(Requester requester, String requested) {
        requireOperator(requester);
        return requested;
    }

    /** May the caller read this tenant's settings? */
    void requireTenantAccess(Requester requester, String tenantId) {
        requireOperator(requester);
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

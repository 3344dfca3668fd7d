package org.bollwerk.admin;

import org.bollwerk.account.AccountService;
import org.bollwerk.account.Requester;
import org.bollwerk.account.UserAccount;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.tenant.AccountAction;
import org.bollwerk.tenant.TenantRoles;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * The client API's account moderation (spec v1.18): {@code GET/PUT /_matrix/client/v1/admin/lock/{userId}} and
 * {@code .../admin/suspend/{userId}}, plus Synapse's {@code PUT /_synapse/admin/v1/suspend/{userId}}. The same
 * rules as the admin API: a role with {@code users.read} (to look) or {@code users.lock} (to change) in the
 * target's tenant, and for changes dominance over the target ({@code AccountActionPolicy}) — so a tenant admin
 * cannot lock an operator or another tenant's users. Suspension counts as a lighter lock: the same permission.
 * Every request is audited (these paths are under {@link AdminAuditInterceptor}).
 */
@RestController
class AccountModerationController {
    private final AccountService accounts;
    private final AdminAccess access;

    AccountModerationController(AccountService accounts, AdminAccess access) {
        this.accounts = accounts;
        this.access = access;
    }

    @GetMapping("/_matrix/client/v1/admin/lock/{userId}")
    Map<String, Object> locked(Requester requester, @PathVariable String userId) {
        return Map.of("locked", target(requester, TenantRoles.USERS_READ, userId).locked());
    }

    @PutMapping("/_matrix/client/v1/admin/lock/{userId}")
    Map<String, Object> lock(Requester requester, @PathVariable String userId, @RequestBody(required = false) byte[] raw) {
        boolean locked = flag(raw, "locked");
        UserAccount target = target(requester, TenantRoles.USERS_LOCK, userId);
        access.requireMayAct(requester, locked ? AccountAction.LOCK : AccountAction.UNLOCK, target);
        AdminAccess.noteDetail("locked=" + locked);
        if (target.locked() != locked) accounts.setLocked(target.userId(), locked);
        return Map.of("locked", locked);
    }

    @GetMapping("/_matrix/client/v1/admin/suspend/{userId}")
    Map<String, Object> suspended(Requester requester, @PathVariable String userId) {
        return Map.of("suspended", accounts.isSuspended(target(requester, TenantRoles.USERS_READ, userId).userId()));
    }

    @PutMapping("/_matrix/client/v1/admin/suspend/{userId}")
    Map<String, Object> suspend(Requester requester, @PathVariable String userId, @RequestBody(required = false) byte[] raw) {
        boolean suspended = flag(raw, "suspended");
        setSuspended(requester, userId, suspended);
        return Map.of("suspended", suspended);
    }

    /** Synapse's variant (body {@code {"suspend": bool}}, empty answer), for admin tools written against it. */
    @PutMapping("/_synapse/admin/v1/suspend/{userId}")
    Map<String, Object> synapseSuspend(Requester requester, @PathVariable String userId,
                                       @RequestBody(required = false) byte[] raw) {
        setSuspended(requester, userId, flag(raw, "suspend"));
        return Map.of();
    }

    private void setSuspended(Requester requester, String userId, boolean suspended) {
        UserAccount target = target(requester, TenantRoles.USERS_LOCK, userId);
        access.requireMayAct(requester, suspended ? AccountAction.LOCK : AccountAction.UNLOCK, target);
        AdminAccess.noteDetail("suspended=" + suspended);
        accounts.setSuspended(target.userId(), suspended);
    }

    /**
     * The target account: 403 for callers without any admin role (before anything is looked up), 400
     * {@code M_INVALID_PARAM} for a user not hosted here, 403 without {@code permission} in its tenant, 404
     * when it does not exist or is deactivated — the spec's order.
     */
    private UserAccount target(Requester requester, String permission, String userId) {
        String id = access.userTarget(requester, permission, userId);
        UserAccount account = accounts.user(id).orElseThrow(() -> MatrixException.notFound("User not found"));
        if (account.deactivated()) throw MatrixException.notFound("User not found");
        return account;
    }

    private static boolean flag(byte[] raw, String name) {
        ObjectNode body = Json.parseObject(raw);
        JsonNode value = body.get(name);
        if (value == null) throw MatrixException.missingParam("Missing '" + name + "'");
        if (!value.isBoolean()) throw MatrixException.badJson("'" + name + "' must be a boolean");
        return value.asBoolean();
    }
}

package org.bollwerk.admin;

import org.bollwerk.account.AccountService;
import org.bollwerk.account.Requester;
import org.bollwerk.account.UserAccount;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.tenant.AccountAction;
import org.bollwerk.tenant.TenantRoles;
import org.bollwerk.web.JsonBody;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Synapse's user admin API: query, list, create/modify, deactivate, devices. Request and response
 * shapes follow Synapse's {@code docs/admin_api/user_admin_api.md}.
 */
@RestController
class UserAdminController {
    private static final int SCAN_BATCH = 500;

    private final AccountService accounts;
    private final AdminAccess access;
    private final Profiles profiles;

    UserAdminController(AccountService accounts, AdminAccess access, Profiles profiles) {
        this.accounts = accounts;
        this.access = access;
        this.profiles = profiles;
    }

    @GetMapping("/_synapse/admin/v2/users/{userId}")
    Map<String, Object> user(Requester requester, @PathVariable String userId) {
        UserAccount user = access.existingUser(access.userTarget(requester, TenantRoles.USERS_READ, userId));
        return UserJson.user(user, profiles.of(user.userId()));
    }

    /**
     * Lists local accounts of every tenant. {@code from} is an offset (Synapse tools compute it as
     * page × size); {@code next_token} appears only when more users follow.
     */
    @GetMapping("/_synapse/admin/v2/users")
    Map<String, Object> users(Requester requester, @RequestParam Map<String, String> params) {
        List<String> scope = access.scope(requester, TenantRoles.USERS_READ, blankToNull(params.get("tenant_id")));
        UserListQuery query = UserListQuery.parse(params);
        // The account feature pages by user ID only; filters and other orders are applied here over a full
        // scan. Fine for thousands of accounts; a filtered query in AccountService is the step after that.
        List<UserAccount> matching = new ArrayList<>();
        for (String tenantId : scope == null ? java.util.Collections.<String>singletonList(null) : scope) {
            String after = null;
            while (true) {
                List<UserAccount> batch = accounts.users(tenantId, after, SCAN_BATCH);
                for (UserAccount user : batch) if (query.matches(user)) matching.add(user);
                if (batch.size() < SCAN_BATCH) break;
                after = batch.getLast().userId();
            }
        }
        matching.sort(query.comparator());
        int total = matching.size();
        int start = Math.min(query.from(), total);
        int end = Math.min(total, start + query.limit());
        List<Map<String, Object>> page = new ArrayList<>(end - start);
        for (UserAccount user : matching.subList(start, end)) {
            page.add(UserJson.listEntry(user, profiles.of(user.userId())));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("users", page);
        body.put("total", total);
        if (end < total) body.put("next_token", String.valueOf(end));
        return body;
    }

    /** Creates the user (201) or modifies it (200). Every field is validated before anything changes. */
    @PutMapping("/_synapse/admin/v2/users/{userId}")
    ResponseEntity<Map<String, Object>> createOrModify(Requester requester, @PathVariable String userId,
                                                       @RequestBody(required = false) byte[] raw) {
        String id = access.userTarget(requester, TenantRoles.USERS_READ, userId);
        UserChange change = UserChange.parse(Json.parseObject(raw));
        var existing = accounts.user(id);
        requirePermissionsFor(requester, id, existing.orElse(null), change);
        AdminAccess.noteDetail((existing.isEmpty() ? "created " : "") + auditDetail(change));
        if (existing.isEmpty()) {
            UserAccount created = create(id, change);
            return ResponseEntity.status(201).body(UserJson.user(created, profiles.of(id)));
        }
        modify(requester, existing.get(), change);
        UserAccount updated = accounts.user(id).orElseThrow();
        return ResponseEntity.ok(UserJson.user(updated, profiles.of(id)));
    }

    /**
     * Each requested change is its own account action with its own permission (helpdesk may reset a password
     * but not rename), and every one needs dominance over the account ({@link AdminAccess#requireMayAct}).
     */
    private void requirePermissionsFor(Requester requester, String userId, UserAccount existing, UserChange change) {
        if (existing == null) {
            if (Boolean.TRUE.equals(change.admin())) access.requireOperator(requester);
            access.requireForUser(requester, TenantRoles.USERS_CREATE, userId);
            return;
        }
        if (change.admin() != null && change.admin() != existing.admin()) {
            access.requireMayAct(requester, AccountAction.CHANGE_SERVER_ADMIN, existing);
        }
        if (change.password() != null) access.requireMayAct(requester, AccountAction.RESET_PASSWORD, existing);
        if (change.locked() != null) {
            access.requireMayAct(requester, change.locked() ? AccountAction.LOCK : AccountAction.UNLOCK, existing);
        }
        if (change.deactivated() != null) {
            access.requireMayAct(requester, change.deactivated() ? AccountAction.DEACTIVATE : AccountAction.REACTIVATE, existing);
        }
        if (change.displayName() != null || change.avatarUrl() != null) {
            access.requireMayAct(requester, AccountAction.CHANGE_PROFILE, existing);
        }
    }

    /** The requested changes for the audit trail: which fields, and the values that are no secret. */
    private static String auditDetail(UserChange change) {
        java.util.StringJoiner out = new java.util.StringJoiner(" ");
        if (change.admin() != null) out.add("admin=" + change.admin());
        if (change.locked() != null) out.add("locked=" + change.locked());
        if (change.deactivated() != null) out.add("deactivated=" + change.deactivated());
        if (change.password() != null) out.add("password=(new)");
        if (change.displayName() != null) out.add("displayname");
        if (change.avatarUrl() != null) out.add("avatar_url");
        return out.toString();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private UserAccount create(String userId, UserChange change) {
        String displayName = change.displayName() == null || change.displayName().isEmpty() ? null : change.displayName();
        accounts.createUser(userId, change.password(), displayName, Boolean.TRUE.equals(change.admin()));
        if (change.avatarUrl() != null && !change.avatarUrl().isEmpty()) profiles.setAvatarUrl(userId, change.avatarUrl());
        if (Boolean.TRUE.equals(change.locked())) accounts.setLocked(userId, true);
        if (Boolean.TRUE.equals(change.deactivated())) accounts.deactivate(userId, false);
        return accounts.user(userId).orElseThrow();
    }

    private void modify(Requester requester, UserAccount user, UserChange change) {
        String userId = user.userId();
        if (Boolean.FALSE.equals(change.admin()) && user.admin() && userId.equals(requester.userId())) {
            throw MatrixException.invalidParam("You may not demote yourself.");
        }
        boolean reactivating = Boolean.FALSE.equals(change.deactivated()) && user.deactivated();
        if (reactivating && change.password() == null) {
            // Deactivation wiped the password; without a new one the account could never log in again.
            throw MatrixException.invalidParam("Must provide a password to re-activate an account.");
        }
        boolean deactivating = Boolean.TRUE.equals(change.deactivated()) && !user.deactivated();
        // Checks done; from here on only infrastructure can fail.
        if (reactivating) accounts.reactivate(userId);
        if (change.admin() != null && change.admin() != user.admin()) accounts.setAdmin(userId, change.admin());
        if (change.locked() != null && change.locked() != user.locked()) accounts.setLocked(userId, change.locked());
        if (change.displayName() != null) profiles.setDisplayName(userId, change.displayName());
        if (change.avatarUrl() != null) profiles.setAvatarUrl(userId, change.avatarUrl());
        if (deactivating) {
            accounts.deactivate(userId, false);  // also wipes the password; a new one in the body is moot
        } else if (change.password() != null && !(user.deactivated() && !reactivating)) {
            accounts.setPassword(userId, change.password(), change.logoutDevices(), null);
        }
    }

    @PostMapping("/_synapse/admin/v1/deactivate/{userId}")
    Map<String, Object> deactivate(Requester requester, @PathVariable String userId,
                                   @RequestBody(required = false) byte[] raw) {
        UserAccount user = access.existingUser(access.userTarget(requester, TenantRoles.USERS_DEACTIVATE, userId));
        access.requireMayAct(requester, AccountAction.DEACTIVATE, user);
        // An empty body is allowed for backwards compatibility, as in Synapse.
        boolean erase = raw == null || raw.length == 0 ? false : JsonBody.bool(Json.parseObject(raw), "erase", false);
        accounts.deactivate(user.userId(), erase);
        return Map.of("id_server_unbind_result", "success");
    }

    @GetMapping("/_synapse/admin/v2/users/{userId}/devices")
    Map<String, Object> devices(Requester requester, @PathVariable String userId) {
        UserAccount user = access.existingUser(access.userTarget(requester, TenantRoles.DEVICES_READ, userId));
        List<Map<String, Object>> devices = accounts.devices(user.userId()).stream().map(UserJson::device).toList();
        return Map.of("devices", devices, "total", devices.size());
    }

    @GetMapping("/_synapse/admin/v2/users/{userId}/devices/{deviceId}")
    Map<String, Object> device(Requester requester, @PathVariable String userId, @PathVariable String deviceId) {
        UserAccount user = access.existingUser(access.userTarget(requester, TenantRoles.DEVICES_READ, userId));
        return accounts.device(user.userId(), deviceId).map(UserJson::device)
                .orElseThrow(() -> MatrixException.notFound("Device not found"));
    }

    /** Logs the device out and removes it. Like Synapse, an unknown device of a known user is not an error. */
    @DeleteMapping("/_synapse/admin/v2/users/{userId}/devices/{deviceId}")
    Map<String, Object> deleteDevice(Requester requester, @PathVariable String userId, @PathVariable String deviceId) {
        UserAccount user = access.existingUser(access.userTarget(requester, TenantRoles.DEVICES_DELETE, userId));
        access.requireMayAct(requester, AccountAction.REMOVE_DEVICE, user);
        accounts.deleteDevice(user.userId(), deviceId);
        return Map.of();
    }
}

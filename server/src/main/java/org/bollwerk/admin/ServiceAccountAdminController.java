package org.bollwerk.admin;

import org.bollwerk.account.Requester;
import org.bollwerk.account.ServiceAccount;
import org.bollwerk.account.ServiceAccounts;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.web.JsonBody;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Admin service accounts under {@code /_bollwerk/admin/v1/service-accounts} (docs/admin-portal.md). Only people
 * manage them — a service account's own token gets 403 here, so none can mint or widen another — and creating
 * one needs a token the portal issued after the second factor ({@code portal/AdminApiSecondFactor}). Operators
 * see and revoke all; tenant admins their own. What a new one may hold is decided by {@link ServiceAccounts}.
 */
@RestController
@RequestMapping("/_bollwerk/admin/v1/service-accounts")
class ServiceAccountAdminController {
    private final ServiceAccounts serviceAccounts;
    private final AdminAccess access;

    ServiceAccountAdminController(ServiceAccounts serviceAccounts, AdminAccess access) {
        this.serviceAccounts = serviceAccounts;
        this.access = access;
    }

    @GetMapping
    Map<String, Object> list(Requester requester) {
        requirePerson(requester);
        List<Map<String, Object>> listed = serviceAccounts.list(requester.admin() ? null : requester.userId()).stream()
                .map(ServiceAccountAdminController::json).toList();
        return Map.of("service_accounts", listed);
    }

    /**
     * Body: {@code name}, {@code permissions} and {@code tenants} (lists; {@code "*"} all tenants), optional
     * {@code sources} (addresses or CIDR blocks), and {@code expires_ts} (ms) or {@code expires_in_days}.
     * The answer holds the token, shown this once.
     */
    @PostMapping
    Map<String, Object> create(Requester requester, @RequestBody(required = false) byte[] raw) {
        requirePerson(requester);
        ObjectNode body = Json.parseObject(raw == null ? new byte[0] : raw);
        Long expiresTs = JsonBody.integer(body, "expires_ts");
        Long days = JsonBody.integer(body, "expires_in_days");
        if ((expiresTs == null) == (days == null)) throw MatrixException.missingParam("Give expires_ts or expires_in_days");
        if (days != null) {
            if (days < 1 || days > 36_500) throw MatrixException.invalidParam("expires_in_days must be 1 or more");
            expiresTs = System.currentTimeMillis() + days * 86_400_000L;
        }
        ServiceAccounts.Created created = serviceAccounts.create(requester.userId(), new ServiceAccounts.Request(
                JsonBody.string(body, "name", true), strings(body, "permissions"), strings(body, "tenants"),
                strings(body, "sources"), expiresTs));
        ServiceAccount account = created.account();
        AdminAccess.noteDetail("created " + account.id() + " \"" + account.name() + "\" permissions="
                + String.join(",", account.permissions()) + " tenants=" + String.join(",", account.tenants())
                + " sources=" + (account.sources().isEmpty() ? "any" : String.join(",", account.sources()))
                + " expires_ts=" + account.expiresTs());
        Map<String, Object> out = json(account);
        out.put("token", created.token());
        return out;
    }

    /** Revokes at once; 404 for unknown ones and for ones a tenant admin did not create (no existence oracle). */
    @DeleteMapping("/{serviceAccountId}")
    Map<String, Object> revoke(Requester requester, @PathVariable String serviceAccountId) {
        requirePerson(requester);
        ServiceAccount account = serviceAccounts.get(serviceAccountId)
                .filter(found -> requester.admin() || found.createdBy().equals(requester.userId()))
                .orElseThrow(() -> MatrixException.notFound("No such service account"));
        boolean revoked = serviceAccounts.revoke(account.id());
        AdminAccess.noteDetail(revoked ? "revoked " + account.id() + " \"" + account.name() + "\"" : "already revoked");
        return Map.of("revoked", true);
    }

    /** People only: a service account may not manage service accounts (no escalation, no self-renewal). */
    private void requirePerson(Requester requester) {
        if (requester.scope() != null) {
            throw MatrixException.forbidden("Service accounts cannot manage service accounts");
        }
        access.requireAnyAdminRole(requester);
    }

    private static List<String> strings(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) return List.of();
        if (!node.isArray()) throw MatrixException.invalidParam(field + " must be a list of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isString()) throw MatrixException.invalidParam(field + " must be a list of strings");
            out.add(item.asString());
        }
        return out;
    }

    static Map<String, Object> json(ServiceAccount account) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", account.id());
        out.put("name", account.name());
        out.put("actor", account.actor());
        out.put("created_by", account.createdBy());
        out.put("permissions", account.permissions());
        out.put("tenants", account.tenants());
        out.put("sources", account.sources());
        out.put("created_ts", account.createdTs());
        out.put("expires_ts", account.expiresTs());
        out.put("revoked_ts", account.revokedTs());
        out.put("last_used_ts", account.lastUsedTs());
        out.put("last_used_ip", account.lastUsedIp());
        out.put("active", account.activeAt(System.currentTimeMillis()));
        return out;
    }
}

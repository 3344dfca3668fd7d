package org.bollwerk.admin;

import org.bollwerk.account.AccountService;
import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.tenant.Tenant;
import org.bollwerk.tenant.TenantRoles;
import org.bollwerk.tenant.TenantService;
import org.bollwerk.web.JsonBody;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
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
 * Bollwerk's operator API for tenants: create and list them, change name and status (disable), manage
 * their domains and partnerships. Only operators (server admins) may call it.
 */
@RestController
@RequestMapping("/_bollwerk/admin/v1/tenants")
class TenantAdminController {
    private final TenantService tenants;
    private final AccountService accounts;
    private final AdminAccess access;
    private final TenantRoles roles;

    private final org.bollwerk.keys.KeyAdministration keys;

    TenantAdminController(TenantService tenants, AccountService accounts, AdminAccess access, TenantRoles roles,
                          org.bollwerk.keys.KeyAdministration keys) {
        this.keys = keys;
        this.tenants = tenants;
        this.accounts = accounts;
        this.access = access;
        this.roles = roles;
    }

    @GetMapping
    Map<String, Object> list(Requester requester) {
        access.requireOperator(requester);
        return Map.of("tenants", tenants.tenants().stream().map(this::json).toList());
    }

    @PostMapping
    ResponseEntity<Map<String, Object>> create(Requester requester, @RequestBody(required = false) byte[] raw) {
        access.requireOperator(requester);
        ObjectNode body = Json.parseObject(raw);
        String id = JsonBody.string(body, "id", true);
        String name = JsonBody.string(body, "name", true);
        List<String> domains = strings(body, "domains");
        String baseUrl = JsonBody.string(body, "base_url", false);
        Tenant created = tenants.create(id, name, domains);
        keys.prepareTenant(created.id());
        if (baseUrl != null) created = tenants.update(id, null, null, baseUrl);
        return ResponseEntity.status(201).body(json(created));
    }

    @GetMapping("/{tenantId}")
    Map<String, Object> get(Requester requester, @PathVariable String tenantId) {
        access.require(requester, TenantRoles.TENANT_READ, tenantId);
        return json(existing(tenantId));
    }

    /** Changes {@code name}, {@code status} ({@code active}/{@code disabled}) and {@code base_url}. */
    @PutMapping("/{tenantId}")
    Map<String, Object> update(Requester requester, @PathVariable String tenantId,
                               @RequestBody(required = false) byte[] raw) {
        access.requireOperator(requester);
        ObjectNode body = Json.parseObject(raw);
        existing(tenantId);
        return json(tenants.update(tenantId, JsonBody.string(body, "name", false), JsonBody.string(body, "status", false),
                JsonBody.string(body, "base_url", false)));
    }

    @PostMapping("/{tenantId}/domains")
    ResponseEntity<Map<String, Object>> addDomain(Requester requester, @PathVariable String tenantId,
                                                  @RequestBody(required = false) byte[] raw) {
        access.requireOperator(requester);
        tenants.addDomain(tenantId, JsonBody.string(Json.parseObject(raw), "domain", true));
        return ResponseEntity.status(201).body(json(existing(tenantId)));
    }

    /** Removes a domain no account uses (deactivated accounts count: their IDs stay reserved). */
    @DeleteMapping("/{tenantId}/domains/{domain}")
    Map<String, Object> removeDomain(Requester requester, @PathVariable String tenantId, @PathVariable String domain) {
        access.requireOperator(requester);
        tenants.removeDomain(tenantId, domain, () -> accounts.anyUserOnDomain(domain.toLowerCase(java.util.Locale.ROOT)));
        return json(existing(tenantId));
    }

    @PutMapping("/{tenantId}/partners/{otherId}")
    Map<String, Object> addPartner(Requester requester, @PathVariable String tenantId, @PathVariable String otherId) {
        access.requireOperator(requester);
        tenants.addPartner(tenantId, otherId);
        return json(existing(tenantId));
    }

    @DeleteMapping("/{tenantId}/partners/{otherId}")
    Map<String, Object> removePartner(Requester requester, @PathVariable String tenantId, @PathVariable String otherId) {
        access.requireOperator(requester);
        tenants.removePartner(tenantId, otherId);
        return json(existing(tenantId));
    }

    // ---- roles

    /** The tenant's roles (built-in and its own), the permission list, and who holds which role. */
    @GetMapping("/{tenantId}/roles")
    Map<String, Object> roles(Requester requester, @PathVariable String tenantId) {
        access.require(requester, TenantRoles.TENANT_READ, tenantId);
        existing(tenantId);
        List<Map<String, Object>> list = roles.roles(tenantId).stream().map(r -> Map.<String, Object>of(
                "name", r.name(), "permissions", r.permissions(), "built_in", r.builtIn())).toList();
        List<Map<String, Object>> assignments = roles.assignments(tenantId).stream().map(a -> Map.<String, Object>of(
                "user_id", a.userId(), "role", a.role())).toList();
        return Map.of("roles", list, "permissions", TenantRoles.PERMISSIONS, "assignments", assignments);
    }

    /** Creates or replaces one of the tenant's own roles: {@code {"permissions": [...]}}. */
    @PutMapping("/{tenantId}/roles/{role}")
    Map<String, Object> putRole(Requester requester, @PathVariable String tenantId, @PathVariable String role,
                                @RequestBody(required = false) byte[] raw) {
        access.require(requester, TenantRoles.ROLES_MANAGE, tenantId);
        existing(tenantId);
        List<String> permissions = strings(Json.parseObject(raw), "permissions");
        access.requireMayDefineRole(requester, tenantId, role, permissions);
        TenantRoles.Role saved = roles.putRole(tenantId, role, permissions);
        AdminAccess.noteDetail("permissions=" + saved.permissions());
        return Map.of("name", saved.name(), "permissions", saved.permissions(), "built_in", false);
    }

    @DeleteMapping("/{tenantId}/roles/{role}")
    Map<String, Object> deleteRole(Requester requester, @PathVariable String tenantId, @PathVariable String role) {
        access.require(requester, TenantRoles.ROLES_MANAGE, tenantId);
        access.requireMayDefineRole(requester, tenantId, role, null);
        roles.deleteRole(tenantId, role);
        return Map.of();
    }

    /** Gives a user of this tenant a role here. */
    @PutMapping("/{tenantId}/roles/{role}/members/{userId}")
    Map<String, Object> assign(Requester requester, @PathVariable String tenantId, @PathVariable String role,
                               @PathVariable String userId) {
        access.require(requester, TenantRoles.ROLES_MANAGE, tenantId);
        var user = access.existingUser(userId);
        if (!user.tenantId().equals(tenantId)) {
            throw MatrixException.invalidParam(user.userId() + " is not a user of tenant " + tenantId);
        }
        access.requireMayChangeRole(requester, tenantId, role, user.userId(), true);
        roles.assign(tenantId, role, user.userId());
        return Map.of("user_id", user.userId(), "role", role);
    }

    @DeleteMapping("/{tenantId}/roles/{role}/members/{userId}")
    Map<String, Object> unassign(Requester requester, @PathVariable String tenantId, @PathVariable String role,
                                 @PathVariable String userId) {
        access.require(requester, TenantRoles.ROLES_MANAGE, tenantId);
        access.requireMayChangeRole(requester, tenantId, role, userId, false);
        roles.unassign(tenantId, role, userId);
        return Map.of();
    }

    private Tenant existing(String tenantId) {
        return tenants.tenant(tenantId).orElseThrow(() -> MatrixException.notFound("Unknown tenant " + tenantId));
    }

    private Map<String, Object> json(Tenant tenant) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", tenant.id());
        body.put("name", tenant.name());
        body.put("status", tenant.status());
        body.put("domains", tenant.domains());
        body.put("partners", tenants.partners(tenant.id()));
        body.put("base_url", tenant.baseUrl());
        body.put("users", accounts.countUsers(tenant.id()));
        return body;
    }

    private static List<String> strings(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) throw MatrixException.missingParam("Missing '" + field + "'");
        if (!value.isArray()) throw MatrixException.badJson("'" + field + "' must be a list of strings");
        List<String> list = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isString()) throw MatrixException.badJson("'" + field + "' must be a list of strings");
            list.add(item.asString());
        }
        return list;
    }
}

package org.bollwerk.admin;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.tenant.TenantGroups;
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
 * A tenant's groups and its sign-in policy (white-listing): {@code /_bollwerk/admin/v1/tenants/{id}/groups}
 * and {@code .../policy}. Reading needs {@code tenant.read}; changing needs {@code roles.manage}
 * (tenant admins and operators, not helpdesk), and membership changes and policies may only affect accounts
 * the caller dominates. Operators are exempt from sign-in policies.
 */
@RestController
@RequestMapping("/_bollwerk/admin/v1/tenants/{tenantId}")
class TenantGroupAdminController {
    private final TenantGroups groups;
    private final TenantService tenants;
    private final AdminAccess access;

    TenantGroupAdminController(TenantGroups groups, TenantService tenants, AdminAccess access) {
        this.groups = groups;
        this.tenants = tenants;
        this.access = access;
    }

    @GetMapping("/groups")
    Map<String, Object> list(Requester requester, @PathVariable String tenantId) {
        read(requester, tenantId);
        return Map.of("groups", groups.groups(tenantId).stream().map(TenantGroupAdminController::json).toList());
    }

    @PostMapping("/groups")
    ResponseEntity<Map<String, Object>> create(Requester requester, @PathVariable String tenantId,
                                               @RequestBody(required = false) byte[] raw) {
        manage(requester, tenantId);
        ObjectNode body = Json.parseObject(raw);
        TenantGroups.Group group = groups.create(tenantId, JsonBody.string(body, "id", true), JsonBody.string(body, "name", true));
        return ResponseEntity.status(201).body(json(group));
    }

    @GetMapping("/groups/{groupId}")
    Map<String, Object> get(Requester requester, @PathVariable String tenantId, @PathVariable String groupId) {
        read(requester, tenantId);
        return json(groups.group(tenantId, groupId));
    }

    @DeleteMapping("/groups/{groupId}")
    Map<String, Object> delete(Requester requester, @PathVariable String tenantId, @PathVariable String groupId) {
        manage(requester, tenantId);
        groups.delete(tenantId, groupId);
        return Map.of();
    }

    @PutMapping("/groups/{groupId}/members/{userId}")
    Map<String, Object> addMember(Requester requester, @PathVariable String tenantId, @PathVariable String groupId,
                                  @PathVariable String userId) {
        manage(requester, tenantId);
        access.requireMayChangeGroup(requester, tenantId, userId, true);
        groups.addMember(tenantId, groupId, userId);
        return json(groups.group(tenantId, groupId));
    }

    @DeleteMapping("/groups/{groupId}/members/{userId}")
    Map<String, Object> removeMember(Requester requester, @PathVariable String tenantId, @PathVariable String groupId,
                                     @PathVariable String userId) {
        manage(requester, tenantId);
        access.requireMayChangeGroup(requester, tenantId, userId, false);
        groups.removeMember(tenantId, groupId, userId);
        return json(groups.group(tenantId, groupId));
    }

    @GetMapping("/policy")
    Map<String, Object> policy(Requester requester, @PathVariable String tenantId) {
        read(requester, tenantId);
        return Map.of("sign_in_groups", groups.signInGroups(tenantId));
    }

    /** {@code {"sign_in_groups": ["staff"]}}: only members of those groups may sign in; {@code []}: everyone. */
    @PutMapping("/policy")
    Map<String, Object> setPolicy(Requester requester, @PathVariable String tenantId,
                                  @RequestBody(required = false) byte[] raw) {
        manage(requester, tenantId);
        JsonNode list = Json.parseObject(raw).get("sign_in_groups");
        if (list == null || !list.isArray()) throw MatrixException.badJson("'sign_in_groups' must be a list of group IDs");
        List<String> ids = new ArrayList<>();
        for (JsonNode id : list) {
            if (!id.isString()) throw MatrixException.badJson("'sign_in_groups' must be a list of group IDs");
            ids.add(id.asString());
        }
        access.requireMaySetSignInPolicy(requester, tenantId, ids);
        groups.setSignInGroups(tenantId, ids);
        AdminAccess.noteDetail("sign_in_groups=" + ids);
        return Map.of("sign_in_groups", groups.signInGroups(tenantId));
    }

    private void read(Requester requester, String tenantId) {
        access.require(requester, TenantRoles.TENANT_READ, tenantId);
        existing(tenantId);
    }

    private void manage(Requester requester, String tenantId) {
        access.require(requester, TenantRoles.ROLES_MANAGE, tenantId);
        existing(tenantId);
    }

    private void existing(String tenantId) {
        if (tenants.tenant(tenantId).isEmpty()) throw MatrixException.notFound("Unknown tenant " + tenantId);
    }

    private static Map<String, Object> json(TenantGroups.Group group) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", group.id());
        json.put("name", group.name());
        json.put("members", group.members());
        return json;
    }
}

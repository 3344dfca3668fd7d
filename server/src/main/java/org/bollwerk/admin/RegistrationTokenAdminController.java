package org.bollwerk.admin;

import org.bollwerk.account.RegistrationToken;
import org.bollwerk.account.RegistrationTokens;
import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.tenant.TenantRoles;
import org.bollwerk.web.JsonBody;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Synapse's registration token admin API ({@code docs/admin_api/registration_tokens.md}), with one
 * addition: {@code tenant_id}, the tenant whose account a registration with the token creates (default:
 * the default tenant).
 */
@RestController
@RequestMapping("/_synapse/admin/v1/registration_tokens")
class RegistrationTokenAdminController {
    private final RegistrationTokens tokens;
    private final AdminAccess access;

    RegistrationTokenAdminController(RegistrationTokens tokens, AdminAccess access) {
        this.tokens = tokens;
        this.access = access;
    }

    @GetMapping
    Map<String, Object> list(Requester requester, @RequestParam(required = false) String valid,
                             @RequestParam(name = "tenant_id", required = false) String tenantId) {
        List<String> scope = access.scope(requester, TenantRoles.REGISTRATION_TOKENS, tenantId);
        Boolean validFilter = switch (valid == null ? "" : valid) {
            case "" -> null;
            case "true" -> true;
            case "false" -> false;
            default -> throw MatrixException.invalidParam("valid must be true or false");
        };
        List<Map<String, Object>> listed = new java.util.ArrayList<>();
        for (String tenant : scope == null ? java.util.Collections.<String>singletonList(null) : scope) {
            tokens.tokens(tenant, validFilter).forEach(t -> listed.add(json(t)));
        }
        return Map.of("registration_tokens", listed);
    }

    @GetMapping("/{token}")
    Map<String, Object> get(Requester requester, @PathVariable String token) {
        return json(existing(requester, token));
    }

    @PostMapping("/new")
    Map<String, Object> create(Requester requester, @RequestBody(required = false) byte[] raw) {
        ObjectNode body = raw == null || raw.length == 0 ? Json.MAPPER.createObjectNode() : Json.parseObject(raw);
        String tenantId = JsonBody.string(body, "tenant_id", false);
        access.require(requester, TenantRoles.REGISTRATION_TOKENS, tenantId == null ? org.bollwerk.tenant.Tenant.DEFAULT_ID : tenantId);
        Long length = JsonBody.integer(body, "length");
        if (length != null && (length < 1 || length > 64)) throw MatrixException.invalidParam("length must be 1-64");
        return json(tokens.create(JsonBody.string(body, "token", false), length == null ? null : length.intValue(),
                JsonBody.integer(body, "uses_allowed"), JsonBody.integer(body, "expiry_time"), tenantId));
    }

    /** Changes {@code uses_allowed} and/or {@code expiry_time}; a field given as null removes the limit. */
    @PutMapping("/{token}")
    Map<String, Object> update(Requester requester, @PathVariable String token, @RequestBody(required = false) byte[] raw) {
        RegistrationToken current = existing(requester, token);
        ObjectNode body = Json.parseObject(raw);
        Long uses = body.has("uses_allowed") ? JsonBody.integer(body, "uses_allowed") : current.usesAllowed();
        Long expiry = body.has("expiry_time") ? JsonBody.integer(body, "expiry_time") : current.expiryTime();
        return json(tokens.update(token, uses, expiry));
    }

    @DeleteMapping("/{token}")
    Map<String, Object> delete(Requester requester, @PathVariable String token) {
        existing(requester, token);
        tokens.delete(token);
        return Map.of();
    }

    /**
     * The token if it exists and the caller administers its tenant; 404 otherwise — also for tokens of other
     * tenants, so that existing and missing tokens answer alike (no existence oracle across tenants).
     */
    private RegistrationToken existing(Requester requester, String token) {
        access.requireAnyAdminRole(requester);
        RegistrationToken found = tokens.token(token)
                .orElseThrow(() -> MatrixException.notFound("No such registration token: " + token));
        try {
            access.require(requester, TenantRoles.REGISTRATION_TOKENS, found.tenantId());
        } catch (MatrixException otherTenant) {
            throw MatrixException.notFound("No such registration token: " + token);
        }
        return found;
    }

    private Map<String, Object> json(RegistrationToken token) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token.token());
        body.put("uses_allowed", token.usesAllowed());
        body.put("pending", token.pending());
        body.put("completed", token.completed());
        body.put("expiry_time", token.expiryTime());
        body.put("tenant_id", token.tenantId());
        return body;
    }
}

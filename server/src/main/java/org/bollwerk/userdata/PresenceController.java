package org.bollwerk.userdata;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.web.JsonBody;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET/PUT /presence/{userId}/status}. Presence of users of other tenants is not visible. */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class PresenceController {
    private final PresenceService presence;
    private final ProfileService profiles;
    private final org.bollwerk.tenant.TenantIsolation isolation;

    PresenceController(PresenceService presence, ProfileService profiles, org.bollwerk.tenant.TenantIsolation isolation) {
        this.presence = presence;
        this.profiles = profiles;
        this.isolation = isolation;
    }

    @GetMapping("/presence/{userId}/status")
    Map<String, Object> get(Requester requester, @PathVariable String userId) {
        UserId.parse(userId);
        // Users of other tenants answer exactly as users that do not exist.
        isolation.seeUser(requester.userId(), userId).orElseThrow(() -> MatrixException.notFound("Presence not found"));
        if (profiles.tenantOf(userId).isEmpty()) throw MatrixException.notFound("Presence not found");
        PresenceService.Status status = presence.status(userId);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("presence", status.state());
        if (status.lastActiveAgo() != null) body.put("last_active_ago", status.lastActiveAgo());
        if (status.statusMsg() != null) body.put("status_msg", status.statusMsg());
        body.put("currently_active", status.currentlyActive());
        return body;
    }

    @PutMapping("/presence/{userId}/status")
    Map<String, Object> put(Requester requester, @PathVariable String userId, @RequestBody(required = false) byte[] raw) {
        ProfileController.ownOnly(requester, userId);
        ObjectNode body = Json.parseObject(raw);
        String state = JsonBody.string(body, "presence", true);
        String statusMsg = JsonBody.string(body, "status_msg", false);
        presence.set(userId, state, statusMsg);
        return Map.of();
    }
}

package org.bollwerk.account;

import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a user may do to their own account beyond devices: deactivate it (after re-entering the password),
 * and {@code whois}, the client API's view of sessions, for oneself or — for server admins — anyone.
 */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class AccountSelfServiceController {
    private final AccountService accounts;
    private final UserInteractiveAuth uia;

    AccountSelfServiceController(AccountService accounts, UserInteractiveAuth uia) {
        this.accounts = accounts;
        this.uia = uia;
    }

    /**
     * The spec's self-deactivation. {@code erase} is passed on as the admin API's erase would be. Bollwerk
     * binds no identity-server 3PIDs, so there is nothing to unbind.
     */
    @PostMapping("/account/deactivate")
    Map<String, Object> deactivate(Requester requester, @RequestBody(required = false) byte[] raw) {
        ObjectNode body = raw == null || raw.length == 0 ? Json.MAPPER.createObjectNode() : Json.parseObject(raw);
        JsonNode erase = body.get("erase");
        if (erase != null && !erase.isBoolean()) throw MatrixException.invalidParam("erase must be a boolean");
        uia.require(requester, body);
        accounts.deactivate(requester.userId(), erase != null && erase.asBoolean());
        return Map.of("id_server_unbind_result", "no-support");
    }

    /** Sessions of a user, as the spec's {@code whois}: each device with its last connection. */
    @GetMapping("/admin/whois/{userId}")
    Map<String, Object> whois(Requester requester, @PathVariable String userId) {
        if (!requester.admin() && !requester.userId().equals(userId)) {
            throw MatrixException.forbidden("Only server admins may look up other users' sessions");
        }
        if (accounts.user(userId).isEmpty()) throw MatrixException.notFound("User not found");
        Map<String, Object> devices = new LinkedHashMap<>();
        for (Device device : accounts.devices(userId)) {
            Map<String, Object> connection = new LinkedHashMap<>();
            connection.put("ip", device.lastSeenIp());
            connection.put("last_seen", device.lastSeenTs());
            devices.put(device.deviceId(), Map.of("sessions", List.of(Map.of("connections",
                    device.lastSeenTs() == null ? List.of() : List.of(connection)))));
        }
        return Map.of("user_id", userId, "devices", devices);
    }
}

package org.bollwerk.account;

import org.bollwerk.matrix.json.Json;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.web.JsonBody;
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

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The user's own devices: list, rename, delete (deleting needs the password again). */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class DeviceController {
    private final AccountService accounts;
    private final UserInteractiveAuth uia;

    DeviceController(AccountService accounts, UserInteractiveAuth uia) {
        this.accounts = accounts;
        this.uia = uia;
    }

    @GetMapping("/devices")
    Map<String, Object> list(Requester requester) {
        return Map.of("devices", accounts.devices(requester.userId()).stream().map(DeviceController::json).toList());
    }

    @GetMapping("/devices/{deviceId}")
    Map<String, Object> get(Requester requester, @PathVariable String deviceId) {
        return accounts.device(requester.userId(), deviceId).map(DeviceController::json)
                .orElseThrow(() -> MatrixException.notFound("Device not found"));
    }

    @PutMapping("/devices/{deviceId}")
    Map<String, Object> rename(Requester requester, @PathVariable String deviceId,
                               @RequestBody(required = false) byte[] raw) {
        ObjectNode body = Json.parseObject(raw);
        String name = JsonBody.string(body, "display_name", false);
        if (name != null && name.length() > 100) throw MatrixException.invalidParam("display_name is too long");
        if (!accounts.renameDevice(requester.userId(), deviceId, name)) {
            throw MatrixException.notFound("Device not found");
        }
        return Map.of();
    }

    @DeleteMapping("/devices/{deviceId}")
    Map<String, Object> delete(Requester requester, @PathVariable String deviceId,
                               @RequestBody(required = false) byte[] raw) {
        ObjectNode body = raw == null || raw.length == 0 ? Json.MAPPER.createObjectNode() : Json.parseObject(raw);
        uia.require(requester, body);
        if (accounts.device(requester.userId(), deviceId).isEmpty()) throw MatrixException.notFound("Device not found");
        accounts.deleteDevice(requester.userId(), deviceId);
        return Map.of();
    }

    @PostMapping("/delete_devices")
    Map<String, Object> deleteMany(Requester requester, @RequestBody(required = false) byte[] raw) {
        ObjectNode body = Json.parseObject(raw);
        JsonNode devices = body.get("devices");
        if (devices == null || !devices.isArray()) throw MatrixException.missingParam("Missing 'devices' list");
        for (JsonNode device : devices) {
            if (!device.isString()) throw MatrixException.badJson("'devices' must be a list of strings");
        }
        uia.require(requester, body);
        for (JsonNode device : devices) accounts.deleteDevice(requester.userId(), device.asString());
        return Map.of();
    }

    static Map<String, Object> json(Device device) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("device_id", device.deviceId());
        json.put("display_name", device.displayName());
        json.put("last_seen_ts", device.lastSeenTs());
        json.put("last_seen_ip", device.lastSeenIp());
        return json;
    }

    static List<Map<String, Object>> json(List<Device> devices) {
        return devices.stream().map(DeviceController::json).toList();
    }
}

package org.bollwerk.e2ee;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.json.Json;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/** {@code /room_keys/version} and {@code /room_keys/keys} at all three levels. */
@RestController
@RequestMapping({"/_matrix/client/v3/room_keys", "/_matrix/client/r0/room_keys"})
class KeyBackupController {
    private final KeyBackupService backups;

    KeyBackupController(KeyBackupService backups) {
        this.backups = backups;
    }

    @PostMapping("/version")
    Map<String, Object> create(Requester requester, @RequestBody(required = false) byte[] raw) {
        return Map.of("version", backups.createVersion(requester.userId(), Json.parseObject(raw)));
    }

    @GetMapping("/version")
    Map<String, Object> latest(Requester requester) {
        return backups.version(requester.userId(), null);
    }

    @GetMapping("/version/{version}")
    Map<String, Object> get(Requester requester, @PathVariable String version) {
        return backups.version(requester.userId(), version);
    }

    @PutMapping("/version/{version}")
    Map<String, Object> update(Requester requester, @PathVariable String version, @RequestBody(required = false) byte[] raw) {
        backups.updateVersion(requester.userId(), version, Json.parseObject(raw));
        return Map.of();
    }

    @DeleteMapping("/version/{version}")
    Map<String, Object> delete(Requester requester, @PathVariable String version) {
        backups.deleteVersion(requester.userId(), version);
        return Map.of();
    }

    @PutMapping("/keys")
    Map<String, Object> putAll(Requester requester, @RequestParam(required = false) String version,
                               @RequestBody(required = false) byte[] raw) {
        return backups.putKeys(requester.userId(), version, null, null, Json.parseObject(raw));
    }

    @PutMapping("/keys/{roomId}")
    Map<String, Object> putRoom(Requester requester, @PathVariable String roomId,
                                @RequestParam(required = false) String version, @RequestBody(required = false) byte[] raw) {
        return backups.putKeys(requester.userId(), version, roomId, null, Json.parseObject(raw));
    }

    @PutMapping("/keys/{roomId}/{sessionId}")
    Map<String, Object> putSession(Requester requester, @PathVariable String roomId, @PathVariable String sessionId,
                                   @RequestParam(required = false) String version,
                                   @RequestBody(required = false) byte[] raw) {
        return backups.putKeys(requester.userId(), version, roomId, sessionId, Json.parseObject(raw));
    }

    @GetMapping("/keys")
    Object getAll(Requester requester, @RequestParam(required = false) String version) {
        return backups.getKeys(requester.userId(), version, null, null);
    }

    @GetMapping("/keys/{roomId}")
    Object getRoom(Requester requester, @PathVariable String roomId, @RequestParam(required = false) String version) {
        return backups.getKeys(requester.userId(), version, roomId, null);
    }

    @GetMapping("/keys/{roomId}/{sessionId}")
    Object getSession(Requester requester, @PathVariable String roomId, @PathVariable String sessionId,
                      @RequestParam(required = false) String version) {
        return backups.getKeys(requester.userId(), version, roomId, sessionId);
    }

    @DeleteMapping("/keys")
    Map<String, Object> deleteAll(Requester requester, @RequestParam(required = false) String version) {
        return backups.deleteKeys(requester.userId(), version, null, null);
    }

    @DeleteMapping("/keys/{roomId}")
    Map<String, Object> deleteRoom(Requester requester, @PathVariable String roomId,
                                   @RequestParam(required = false) String version) {
        return backups.deleteKeys(requester.userId(), version, roomId, null);
    }

    @DeleteMapping("/keys/{roomId}/{sessionId}")
    Map<String, Object> deleteSession(Requester requester, @PathVariable String roomId, @PathVariable String sessionId,
                                      @RequestParam(required = false) String version) {
        return backups.deleteKeys(requester.userId(), version, roomId, sessionId);
    }
}

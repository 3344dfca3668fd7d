package org.bollwerk.e2ee;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.StreamNotifier;
import org.bollwerk.storage.StreamToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/** {@code /keys/*} and {@code /sendToDevice}. */
@RestController
// unstable: the prefix older matrix-js-sdk versions (Cinny, older Element) still use for the cross-signing uploads
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0", "/_matrix/client/unstable"})
class KeysController {
    private final KeyService keys;
    private final CrossSigningService crossSigning;
    private final ToDeviceService toDevice;
    private final DeviceLists deviceLists;
    private final StreamNotifier notifier;

    KeysController(KeyService keys, CrossSigningService crossSigning, ToDeviceService toDevice, DeviceLists deviceLists,
                   StreamNotifier notifier) {
        this.keys = keys;
        this.crossSigning = crossSigning;
        this.toDevice = toDevice;
        this.deviceLists = deviceLists;
        this.notifier = notifier;
    }

    /** Bodies that may be empty (keys/upload with nothing to upload still answers the counts). */
    static ObjectNode body(byte[] raw) {
        return raw == null || raw.length == 0 ? Json.MAPPER.createObjectNode() : Json.parseObject(raw);
    }

    @PostMapping("/keys/upload")
    Map<String, Object> upload(Requester requester, @RequestBody(required = false) byte[] raw) {
        return keys.upload(requester, body(raw));
    }

    @PostMapping("/keys/query")
    Map<String, Object> query(Requester requester, @RequestBody(required = false) byte[] raw) {
        return keys.query(requester, Json.parseObject(raw));
    }

    @PostMapping("/keys/claim")
    Map<String, Object> claim(Requester requester, @RequestBody(required = false) byte[] raw) {
        return keys.claim(requester, Json.parseObject(raw));
    }

    @GetMapping("/keys/changes")
    Map<String, Object> changes(Requester requester, @RequestParam String from, @RequestParam String to) {
        // catchUp: with several nodes, `to` may come from a node whose watermark is ahead of this one's.
        long current = notifier.catchUp(StreamToken.parse(to).position());
        long fromPosition = Math.min(StreamToken.parse(from).position(), current);
        long toPosition = Math.min(StreamToken.parse(to).position(), current);
        DeviceLists.Changes changes = deviceLists.between(requester.userId(), fromPosition, toPosition);
        return Map.of("changed", changes.changed(), "left", changes.left());
    }

    @PostMapping("/keys/device_signing/upload")
    Map<String, Object> uploadCrossSigningKeys(Requester requester, @RequestBody(required = false) byte[] raw) {
        crossSigning.uploadKeys(requester, body(raw));
        return Map.of();
    }

    @PostMapping("/keys/signatures/upload")
    Map<String, Object> uploadSignatures(Requester requester, @RequestBody(required = false) byte[] raw) {
        return crossSigning.uploadSignatures(requester, Json.parseObject(raw));
    }

    @PutMapping("/sendToDevice/{eventType}/{txnId}")
    Map<String, Object> sendToDevice(Requester requester, @PathVariable String eventType, @PathVariable String txnId,
                                     @RequestBody(required = false) byte[] raw) {
        toDevice.send(requester, eventType, txnId, Json.parseObject(raw));
        return Map.of();
    }
}

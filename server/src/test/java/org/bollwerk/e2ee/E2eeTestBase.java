package org.bollwerk.e2ee;

import org.bollwerk.matrix.UnpaddedBase64;
import org.bollwerk.matrix.crypto.SigningKey;
import org.bollwerk.matrix.json.CanonicalJson;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.testsupport.ClientApiTestBase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.List;
import java.util.Map;

/** Client-side crypto a test needs: Ed25519 keys and signed key objects as a real device makes them. */
abstract class E2eeTestBase extends ClientApiTestBase {

    /** A device's identity: its Ed25519 signing key and the signed device_keys object. */
    record DeviceIdentity(SigningKey key, ObjectNode deviceKeys) {
        String ed25519() {
            return key.publicKeyBase64();
        }
    }

    static ObjectNode sign(ObjectNode json, String userId, String keyId, SigningKey key) {
        ObjectNode copy = json.deepCopy();
        copy.remove("signatures");
        copy.remove("unsigned");
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key.privateKey());
            signer.update(CanonicalJson.encode(copy));
            String sig = UnpaddedBase64.encode(signer.sign());
            ObjectNode signatures = json.has("signatures") ? (ObjectNode) json.get("signatures") : json.putObject("signatures");
            ObjectNode bySigner = signatures.has(userId) ? (ObjectNode) signatures.get(userId) : signatures.putObject(userId);
            bySigner.put(keyId, sig);
            return json;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static DeviceIdentity identity(User user) {
        SigningKey key = SigningKey.generate();
        ObjectNode keys = Json.MAPPER.createObjectNode();
        keys.put("user_id", user.userId());
        keys.put("device_id", user.deviceId());
        keys.set("algorithms", Json.MAPPER.valueToTree(List.of("m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2")));
        ObjectNode k = keys.putObject("keys");
        k.put("curve25519:" + user.deviceId(), UnpaddedBase64.encode(("curve-" + user.deviceId()).getBytes()));
        k.put("ed25519:" + user.deviceId(), key.publicKeyBase64());
        sign(keys, user.userId(), "ed25519:" + user.deviceId(), key);
        return new DeviceIdentity(key, keys);
    }

    /** Uploads fresh device keys for the user's device and returns them. */
    DeviceIdentity uploadIdentity(User user) {
        DeviceIdentity id = identity(user);
        ok(post(user, "/keys/upload", Map.of("device_keys", id.deviceKeys())));
        return id;
    }

    /** {@code n} signed_curve25519 one-time keys named {@code prefix0..}, signed by the device. */
    static ObjectNode oneTimeKeys(User user, DeviceIdentity id, String prefix, int n) {
        ObjectNode keys = Json.MAPPER.createObjectNode();
        for (int i = 0; i < n; i++) keys.set("signed_curve25519:" + prefix + i, signedKey(user, id, prefix + i, false));
        return keys;
    }

    static ObjectNode signedKey(User user, DeviceIdentity id, String name, boolean fallback) {
        ObjectNode key = Json.MAPPER.createObjectNode();
        key.put("key", UnpaddedBase64.encode(("otk-" + name).getBytes()));
        if (fallback) key.put("fallback", true);
        return sign(key, user.userId(), "ed25519:" + user.deviceId(), id.key());
    }

    JsonNode sync(User user, String since) {
        return ok(get(user, "/sync?timeout=0" + (since == null ? "" : "&since=" + since)));
    }

    JsonNode sync(User user, String since, int timeoutMs) {
        return ok(get(user, "/sync?timeout=" + timeoutMs + (since == null ? "" : "&since=" + since)));
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }
}

package org.bollwerk.e2ee;

import org.bollwerk.account.AccountService;
import org.bollwerk.account.Device;
import org.bollwerk.account.Requester;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Device keys, one-time keys and fallback keys: upload, query and claim. Every upload is validated
 * completely before anything is written, so a rejected request stores nothing.
 */
@Service
class KeyService {
    static final String SIGNED_CURVE25519 = "signed_curve25519";

    private final Db db;
    private final KeyStore store;
    private final CrossSigningStore crossSigning;
    private final DeviceLists deviceLists;
    private final AccountService accounts;
    private final E2eeProperties limits;

    private final org.bollwerk.tenant.TenantIsolation isolation;

    KeyService(Db db, KeyStore store, CrossSigningStore crossSigning, DeviceLists deviceLists, AccountService accounts,
               E2eeProperties limits, org.bollwerk.tenant.TenantIsolation isolation) {
        this.isolation = isolation;
        this.db = db;
        this.store = store;
        this.crossSigning = crossSigning;
        this.deviceLists = deviceLists;
        this.accounts = accounts;
        this.limits = limits;
    }

    // ---- upload

    /** A one-time or fallback key from an upload: {@code algorithm:id} split, and its value. */
    private record UploadedKey(String algorithm, String id, JsonNode value) {
    }

    Map<String, Object> upload(Requester requester, ObjectNode body) {
        String userId = requester.userId();
        String deviceId = requester.deviceId();
        ObjectNode deviceKeys = deviceKeys(body, userId, deviceId);
        List<UploadedKey> oneTimeKeys = keys(body, "one_time_keys");
        List<UploadedKey> fallbackKeys = keys(body, "fallback_keys");
        if (oneTimeKeys.size() + fallbackKeys.size() > limits.maxKeysPerUpload()) {
            throw new MatrixException(ErrCode.M_TOO_LARGE, "At most " + limits.maxKeysPerUpload()
                    + " one-time and fallback keys per upload (bollwerk.e2ee.max-keys-per-upload)");
        }
        Map<String, UploadedKey> fallbackByAlgorithm = new LinkedHashMap<>();
        for (UploadedKey key : fallbackKeys) {
            if (fallbackByAlgorithm.put(key.algorithm(), key) != null) {
                throw MatrixException.invalidParam("Only one fallback key per algorithm may be uploaded");
            }
        }
        return db.write(() -> {
            Optional<ObjectNode> stored = store.deviceKeys(userId, deviceId);
            String ed25519 = deviceKeys != null ? deviceKeys.path("keys").path("ed25519:" + deviceId).asString()
                    : stored.map(k -> k.path("keys").path("ed25519:" + deviceId).asString(null)).orElse(null);
            for (UploadedKey key : oneTimeKeys) checkSignature(key, userId, deviceId, ed25519, "one-time key");
            for (UploadedKey key : fallbackKeys) checkSignature(key, userId, deviceId, ed25519, "fallback key");

            int added = 0;
            for (UploadedKey key : oneTimeKeys) {
                Optional<JsonNode> existing = store.oneTimeKey(userId, deviceId, key.algorithm(), key.id());
                if (existing.isPresent()) {
                    if (!existing.get().equals(key.value())) {
                        throw MatrixException.invalidParam("One-time key " + key.algorithm() + ":" + key.id()
                                + " already exists with different content");
                    }
                    continue;  // identical re-upload
                }
                store.insertOneTimeKey(userId, deviceId, key.algorithm(), key.id(), key.value());
                added++;
            }
            Map<String, Integer> counts = store.oneTimeKeyCounts(userId, deviceId);
            int total = counts.values().stream().mapToInt(Integer::intValue).sum();
            if (added > 0 && total > limits.maxOneTimeKeysPerDevice()) {
                throw MatrixException.invalidParam("A device may store at most " + limits.maxOneTimeKeysPerDevice()
                        + " one-time keys; claim some before uploading more (bollwerk.e2ee.max-one-time-keys-per-device)");
            }
            for (UploadedKey key : fallbackByAlgorithm.values()) {
                Optional<KeyStore.Fallback> existing = store.fallbackKey(userId, deviceId, key.algorithm());
                boolean same = existing.isPresent() && existing.get().keyId().equals(key.id())
                        && existing.get().json().equals(key.value());
                if (!same) store.putFallbackKey(userId, deviceId, key.algorithm(), key.id(), (ObjectNode) key.value());
            }
            if (deviceKeys != null && !stored.map(deviceKeys::equals).orElse(false)) {
                store.putDeviceKeys(userId, deviceId, deviceKeys, System.currentTimeMillis());
                deviceLists.changed(userId);
            }
            return Map.of("one_time_key_counts", withSignedCurve(counts));
        });
    }

    static Map<String, Integer> withSignedCurve(Map<String, Integer> counts) {
        Map<String, Integer> out = new TreeMap<>(counts);
        out.putIfAbsent(SIGNED_CURVE25519, 0);
        return out;
    }

    /** Validates {@code device_keys}: the requester's own, well-formed, self-signed. Returns it without unsigned. */
    private static ObjectNode deviceKeys(ObjectNode body, String userId, String deviceId) {
        JsonNode node = body.get("device_keys");
        if (node == null || node.isNull()) return null;
        if (!node.isObject()) throw MatrixException.badJson("'device_keys' must be an object");
        ObjectNode keys = SignedJson.signedPart((ObjectNode) node);
        if (node.has("signatures")) keys.set("signatures", node.get("signatures"));
        if (!userId.equals(keys.path("user_id").asString(null))) {
            throw MatrixException.invalidParam("device_keys.user_id must be your own user ID");
        }
        if (!deviceId.equals(keys.path("device_id").asString(null))) {
            throw MatrixException.invalidParam("device_keys.device_id must be the ID of the device this token belongs to");
        }
        JsonNode algorithms = keys.get("algorithms");
        if (algorithms == null || !algorithms.isArray()) throw MatrixException.badJson("device_keys.algorithms must be a list");
        for (JsonNode a : algorithms) {
            if (!a.isString()) throw MatrixException.badJson("device_keys.algorithms must be a list of strings");
        }
        JsonNode keyMap = keys.get("keys");
        if (keyMap == null || !keyMap.isObject()) throw MatrixException.badJson("device_keys.keys must be an object");
        for (Map.Entry<String, JsonNode> key : keyMap.properties()) {
            if (!key.getValue().isString() || key.getKey().indexOf(':') < 1) {
                throw MatrixException.badJson("device_keys.keys must map <algorithm>:<device_id> to strings");
            }
        }
        String ed25519 = keyMap.path("ed25519:" + deviceId).asString(null);
        if (ed25519 == null || !SignedJson.isEd25519Key(ed25519)) {
            throw MatrixException.badJson("device_keys.keys needs a valid ed25519:" + deviceId + " key");
        }
        SignedJson.requireSignaturesShape(keys, "device_keys");
        if (!SignedJson.verify(keys, userId, "ed25519:" + deviceId, ed25519)) {
            throw new MatrixException(ErrCode.M_INVALID_SIGNATURE,
                    "device_keys must carry a valid signature by the device's own ed25519 key");
        }
        return keys;
    }

    private static List<UploadedKey> keys(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) return List.of();
        if (!node.isObject()) throw MatrixException.badJson("'" + field + "' must be an object");
        List<UploadedKey> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String fullId = entry.getKey();
            int colon = fullId.indexOf(':');
            if (colon < 1 || colon == fullId.length() - 1 || fullId.length() > 255) {
                throw MatrixException.badJson(field + ": key IDs must look like <algorithm>:<id>");
            }
            JsonNode value = entry.getValue();
            if (value.isObject()) {
                if (!value.path("key").isString()) throw MatrixException.badJson(field + ": each key needs a 'key' string");
                SignedJson.requireSignaturesShape((ObjectNode) value, field);
            } else if (!value.isString() || "fallback_keys".equals(field)) {
                throw MatrixException.badJson(field + ": each key must be an object" + ("fallback_keys".equals(field) ? "" : " or a string"));
            }
            out.add(new UploadedKey(fullId.substring(0, colon), fullId.substring(colon + 1), value));
        }
        return out;
    }

    /**
     * Signed keys ({@code signed_*} or objects carrying signatures) must be signed by the device's
     * ed25519 key when it is known; a key that fails the check is never stored.
     */
    private static void checkSignature(UploadedKey key, String userId, String deviceId, String ed25519, String what) {
        boolean mustBeSigned = key.algorithm().startsWith("signed_");
        if (!key.value().isObject()) {
            if (mustBeSigned) throw new MatrixException(ErrCode.M_INVALID_SIGNATURE, "A " + key.algorithm() + " key must be signed");
            return;
        }
        if (ed25519 == null) return;  // device keys not uploaded yet: nothing to check against
        if (!mustBeSigned && !key.value().has("signatures")) return;
        if (!SignedJson.verify((ObjectNode) key.value(), userId, "ed25519:" + deviceId, ed25519)) {
            throw new MatrixException(ErrCode.M_INVALID_SIGNATURE, "The " + what + " " + key.algorithm() + ":" + key.id()
                    + " is not signed by this device's ed25519 key");
        }
    }

    // ---- query

    Map<String, Object> query(Requester requester, ObjectNode body) {
        JsonNode wanted = body.get("device_keys");
        if (wanted == null || wanted.isNull()) throw MatrixException.missingParam("Missing 'device_keys'");
        if (!wanted.isObject()) throw MatrixException.badJson("'device_keys' must be an object");
        Map<String, Object> deviceKeys = new LinkedHashMap<>();
        Map<String, Object> masterKeys = new LinkedHashMap<>();
        Map<String, Object> selfSigningKeys = new LinkedHashMap<>();
        Map<String, Object> userSigningKeys = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : wanted.properties()) {
            String userId = entry.getKey();
            if (!entry.getValue().isArray()) throw MatrixException.badJson("device_keys values must be lists of device IDs");
            List<String> devices = new ArrayList<>();
            for (JsonNode d : entry.getValue()) {
                if (!d.isString()) throw MatrixException.badJson("device_keys values must be lists of device IDs");
                devices.add(d.asString());
            }
            if (!UserId.isValid(userId) || !mayReach(requester, userId)) continue;
            Map<String, List<CrossSigningStore.Signature>> signatures = crossSigning.signaturesOn(userId);
            Map<String, String> names = new LinkedHashMap<>();
            for (Device d : accounts.devices(userId)) names.put(d.deviceId(), d.displayName());
            Map<String, Object> forUser = new LinkedHashMap<>();
            for (Map.Entry<String, ObjectNode> keys : store.deviceKeys(userId).entrySet()) {
                String deviceId = keys.getKey();
                if (!names.containsKey(deviceId) || (!devices.isEmpty() && !devices.contains(deviceId))) continue;
                ObjectNode json = keys.getValue();
                mergeSignatures(json, signatures.get(deviceId), userId, requester.userId());
                String name = names.get(deviceId);
                if (name != null) json.putObject("unsigned").put("device_display_name", name);
                forUser.put(deviceId, json);
            }
            deviceKeys.put(userId, forUser);
            for (CrossSigningStore.CrossSigningKey key : crossSigning.keys(userId).values()) {
                ObjectNode json = key.json();
                mergeSignatures(json, signatures.get(key.publicKey()), userId, requester.userId());
                switch (key.type()) {
                    case CrossSigningStore.MASTER -> masterKeys.put(userId, json);
                    case CrossSigningStore.SELF_SIGNING -> selfSigningKeys.put(userId, json);
                    default -> {
                        if (userId.equals(requester.userId())) userSigningKeys.put(userId, json);
                    }
                }
            }
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("device_keys", deviceKeys);
        response.put("failures", Map.of());
        response.put("master_keys", masterKeys);
        response.put("self_signing_keys", selfSigningKeys);
        response.put("user_signing_keys", userSigningKeys);
        return response;
    }

    /**
     * Adds signatures uploaded later. The owner's own signatures are public; a signature another user
     * made (with their user-signing key) is shown only to that user, as other servers do.
     */
    static void mergeSignatures(ObjectNode json, List<CrossSigningStore.Signature> signatures, String owner, String viewer) {
        if (signatures == null) return;
        for (CrossSigningStore.Signature sig : signatures) {
            if (sig.signerUserId().equals(owner) || sig.signerUserId().equals(viewer)) {
                SignedJson.addSignature(json, sig.signerUserId(), sig.signerKeyId(), sig.signature());
            }
        }
    }

    // ---- claim

    private record Target(String userId, String deviceId, String algorithm) {
    }

    /**
     * Keys of users in another tenant are out of reach unless the tenants are partners: isolated tenants
     * cannot even start an encrypted session with each other (answered as for unknown users).
     */
    private boolean mayReach(Requester requester, String userId) {
        return isolation.tenantOfUser(userId).isPresent() && isolation.seeUser(requester.userId(), userId).allowed();
    }

    Map<String, Object> claim(Requester requester, ObjectNode body) {
        JsonNode wanted = body.get("one_time_keys");
        if (wanted == null || wanted.isNull()) throw MatrixException.missingParam("Missing 'one_time_keys'");
        if (!wanted.isObject()) throw MatrixException.badJson("'one_time_keys' must be an object");
        List<Target> targets = new ArrayList<>();
        for (Map.Entry<String, JsonNode> user : wanted.properties()) {
            if (!user.getValue().isObject()) throw MatrixException.badJson("one_time_keys values must be objects");
            for (Map.Entry<String, JsonNode> device : user.getValue().properties()) {
                if (!device.getValue().isString()) throw MatrixException.badJson("one_time_keys must name an algorithm per device");
                if (!UserId.isValid(user.getKey()) || !mayReach(requester, user.getKey())) continue;
                targets.add(new Target(user.getKey(), device.getKey(), device.getValue().asString()));
            }
        }
        // One fixed order, so concurrent claims on PostgreSQL lock rows in the same order and cannot deadlock.
        targets.sort(Comparator.comparing(Target::userId).thenComparing(Target::deviceId).thenComparing(Target::algorithm));
        Map<String, Map<String, Map<String, JsonNode>>> claimed = db.write(() -> {
            Map<String, Map<String, Map<String, JsonNode>>> out = new LinkedHashMap<>();
            for (Target t : targets) {
                Optional<KeyStore.Claimed> key = takeOneTimeKey(t);
                if (key.isEmpty()) key = store.useFallbackKey(t.userId(), t.deviceId(), t.algorithm());
                key.ifPresent(k -> out.computeIfAbsent(t.userId(), u -> new LinkedHashMap<>())
                        .computeIfAbsent(t.deviceId(), d -> new LinkedHashMap<>()).put(k.keyId(), k.json()));
            }
            return out;
        });
        return Map.of("one_time_keys", claimed, "failures", Map.of());
    }

    /** A racing claim on PostgreSQL may find its chosen key just deleted: then it picks the next one. */
    private Optional<KeyStore.Claimed> takeOneTimeKey(Target t) {
        for (int attempt = 0; attempt < 10; attempt++) {
            Optional<KeyStore.Claimed> key = store.takeOneTimeKey(t.userId(), t.deviceId(), t.algorithm());
            if (key.isPresent() || !store.anyOneTimeKey(t.userId(), t.deviceId(), t.algorithm())) return key;
        }
        return Optional.empty();
    }

    // ---- for sync and account events

    Map<String, Integer> oneTimeKeyCounts(String userId, String deviceId) {
        return withSignedCurve(store.oneTimeKeyCounts(userId, deviceId));
    }

    List<String> unusedFallbackKeyTypes(String userId, String deviceId) {
        return store.unusedFallbackAlgorithms(userId, deviceId);
    }
}

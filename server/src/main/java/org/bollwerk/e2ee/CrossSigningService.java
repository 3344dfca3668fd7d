package org.bollwerk.e2ee;

import org.bollwerk.account.Requester;
import org.bollwerk.account.UserInteractiveAuth;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Cross-signing: uploading a user's master, self-signing and user-signing keys, and signatures made
 * with them (or, on the master key, with a device key). Every signature is verified before it is stored.
 */
@Service
class CrossSigningService {
    private static final Map<String, String> FIELDS = Map.of(
            CrossSigningStore.MASTER, "master_key",
            CrossSigningStore.SELF_SIGNING, "self_signing_key",
            CrossSigningStore.USER_SIGNING, "user_signing_key");

    private final Db db;
    private final CrossSigningStore store;
    private final KeyStore keys;
    private final DeviceLists deviceLists;
    private final UserInteractiveAuth uia;

    CrossSigningService(Db db, CrossSigningStore store, KeyStore keys, DeviceLists deviceLists, UserInteractiveAuth uia) {
        this.db = db;
        this.store = store;
        this.keys = keys;
        this.deviceLists = deviceLists;
        this.uia = uia;
    }

    // ---- keys/device_signing/upload

    void uploadKeys(Requester requester, ObjectNode body) {
        String userId = requester.userId();
        Map<String, CrossSigningStore.CrossSigningKey> provided = new LinkedHashMap<>();
        for (String type : List.of(CrossSigningStore.MASTER, CrossSigningStore.SELF_SIGNING, CrossSigningStore.USER_SIGNING)) {
            JsonNode node = body.get(FIELDS.get(type));
            if (node != null && !node.isNull()) provided.put(type, parseKey(node, type, userId));
        }
        if (provided.isEmpty()) return;
        boolean authenticated = false;
        if (needsAuth(store.keys(userId), provided)) {
            uia.require(requester, body);
            authenticated = true;
        }
        boolean alreadyAuthenticated = authenticated;
        db.write(() -> {
            Map<String, CrossSigningStore.CrossSigningKey> existing = store.keys(userId);
            if (!alreadyAuthenticated && needsAuth(existing, provided)) uia.require(requester, body);  // lost a race
            CrossSigningStore.CrossSigningKey master = provided.containsKey(CrossSigningStore.MASTER)
                    ? provided.get(CrossSigningStore.MASTER) : existing.get(CrossSigningStore.MASTER);
            for (String type : List.of(CrossSigningStore.SELF_SIGNING, CrossSigningStore.USER_SIGNING)) {
                CrossSigningStore.CrossSigningKey key = provided.get(type);
                if (key == null) continue;
                if (master == null) throw MatrixException.invalidParam("Upload a master key before the " + FIELDS.get(type));
                if (!SignedJson.verify(key.json(), userId, "ed25519:" + master.publicKey(), master.publicKey())) {
                    throw new MatrixException(ErrCode.M_INVALID_SIGNATURE, FIELDS.get(type) + " must be signed by the master key");
                }
            }
            boolean changed = false;
            long now = System.currentTimeMillis();
            for (CrossSigningStore.CrossSigningKey key : provided.values()) {
                CrossSigningStore.CrossSigningKey old = existing.get(key.type());
                if (old != null && old.json().equals(key.json())) continue;
                store.put(userId, key.type(), key.publicKey(), key.json(), now);
                changed = true;
            }
            if (changed) deviceLists.changed(userId);
        });
    }

    /** UIA is needed unless this is the first upload or re-uploads exactly what is stored. */
    private static boolean needsAuth(Map<String, CrossSigningStore.CrossSigningKey> existing,
                                     Map<String, CrossSigningStore.CrossSigningKey> provided) {
        if (!existing.containsKey(CrossSigningStore.MASTER)) return false;
        for (CrossSigningStore.CrossSigningKey key : provided.values()) {
            CrossSigningStore.CrossSigningKey old = existing.get(key.type());
            if (old == null || !old.json().equals(key.json())) return true;
        }
        return false;
    }

    private static CrossSigningStore.CrossSigningKey parseKey(JsonNode node, String type, String userId) {
        String field = FIELDS.get(type);
        if (!node.isObject()) throw MatrixException.badJson("'" + field + "' must be an object");
        ObjectNode json = ((ObjectNode) node).deepCopy();
        json.remove("unsigned");
        if (!userId.equals(json.path("user_id").asString(null))) {
            throw MatrixException.invalidParam(field + ".user_id must be your own user ID");
        }
        JsonNode usage = json.get("usage");
        boolean hasUsage = false;
        if (usage == null || !usage.isArray()) throw MatrixException.badJson(field + ".usage must be a list");
        for (JsonNode u : usage) {
            if (!u.isString()) throw MatrixException.badJson(field + ".usage must be a list of strings");
            hasUsage |= type.equals(u.asString());
        }
        if (!hasUsage) throw MatrixException.badJson(field + ".usage must contain \"" + type + "\"");
        JsonNode keyMap = json.get("keys");
        if (keyMap == null || !keyMap.isObject() || keyMap.size() != 1) {
            throw MatrixException.badJson(field + ".keys must hold exactly one key");
        }
        Map.Entry<String, JsonNode> entry = keyMap.properties().iterator().next();
        String publicKey = entry.getValue().isString() ? entry.getValue().asString() : null;
        if (publicKey == null || !entry.getKey().equals("ed25519:" + publicKey) || !SignedJson.isEd25519Key(publicKey)) {
            throw MatrixException.badJson(field + ".keys must map ed25519:<public key> to that Ed25519 public key");
        }
        SignedJson.requireSignaturesShape(json, field);
        return new CrossSigningStore.CrossSigningKey(type, publicKey, json);
    }

    // ---- keys/signatures/upload

    private record NewSignature(String targetUser, String targetKeyId, CrossSigningStore.Signature signature) {
    }

    Map<String, Object> uploadSignatures(Requester requester, ObjectNode body) {
        String signer = requester.userId();
        for (Map.Entry<String, JsonNode> user : body.properties()) {
            if (!user.getValue().isObject()) throw MatrixException.badJson("Each user must map key IDs to signed objects");
            for (Map.Entry<String, JsonNode> key : user.getValue().properties()) {
                if (!key.getValue().isObject()) throw MatrixException.badJson("Each key must be a signed object");
                SignedJson.requireSignaturesShape((ObjectNode) key.getValue(), "signed key");
            }
        }
        Map<String, Map<String, Object>> failures = new LinkedHashMap<>();
        db.write(() -> {
            Map<String, CrossSigningStore.CrossSigningKey> mine = store.keys(signer);
            List<NewSignature> accepted = new ArrayList<>();
            Set<String> changedUsers = new LinkedHashSet<>();
            for (Map.Entry<String, JsonNode> user : body.properties()) {
                for (Map.Entry<String, JsonNode> key : user.getValue().properties()) {
                    String targetUser = user.getKey();
                    String targetKeyId = key.getKey();
                    try {
                        accepted.addAll(check(signer, mine, targetUser, targetKeyId, (ObjectNode) key.getValue()));
                        // A signature on someone else's master key is visible only to the signer.
                        changedUsers.add(signer);
                    } catch (MatrixException e) {
                        failures.computeIfAbsent(targetUser, u -> new LinkedHashMap<>())
                                .put(targetKeyId, Map.of("errcode", e.errCode().name(), "error", e.getMessage()));
                    }
                }
            }
            for (NewSignature s : accepted) store.putSignature(s.targetUser(), s.targetKeyId(), s.signature());
            if (!accepted.isEmpty()) changedUsers.forEach(deviceLists::changed);
        });
        return Map.of("failures", failures);
    }

    /** Verifies the requester's new signatures on one key; throws for the first that is not acceptable. */
    private List<NewSignature> check(String signer, Map<String, CrossSigningStore.CrossSigningKey> mine,
                                     String targetUser, String targetKeyId, ObjectNode uploaded) {
        ObjectNode stored;
        Map<String, String> allowedSigners = new LinkedHashMap<>();  // signer key ID → public key
        Optional<ObjectNode> device = signer.equals(targetUser) ? keys.deviceKeys(signer, targetKeyId) : Optional.empty();
        if (device.isPresent()) {
            stored = device.get();
            addSigner(allowedSigners, mine.get(CrossSigningStore.SELF_SIGNING));
        } else {
            CrossSigningStore.CrossSigningKey master = store.key(targetUser, CrossSigningStore.MASTER)
                    .filter(k -> k.publicKey().equals(targetKeyId))
                    .orElseThrow(() -> MatrixException.notFound("No device or master key " + targetKeyId + " of " + targetUser));
            stored = master.json();
            if (signer.equals(targetUser)) {
                for (Map.Entry<String, ObjectNode> d : keys.deviceKeys(signer).entrySet()) {
                    String ed = d.getValue().path("keys").path("ed25519:" + d.getKey()).asString(null);
                    if (ed != null) allowedSigners.put("ed25519:" + d.getKey(), ed);
                }
            } else {
                addSigner(allowedSigners, mine.get(CrossSigningStore.USER_SIGNING));
            }
        }
        if (!SignedJson.signedPart(uploaded).equals(SignedJson.signedPart(stored))) {
            throw MatrixException.invalidParam("The signed object does not match the stored key");
        }
        List<NewSignature> out = new ArrayList<>();
        JsonNode bySigner = uploaded.path("signatures").path(signer);
        for (Map.Entry<String, JsonNode> sig : bySigner.properties()) {
            String signerKeyId = sig.getKey();
            if (sig.getValue().asString().equals(stored.path("signatures").path(signer).path(signerKeyId).asString(null))) {
                continue;  // already part of the stored key
            }
            String publicKey = allowedSigners.get(signerKeyId);
            if (publicKey == null) {
                throw new MatrixException(ErrCode.M_INVALID_SIGNATURE, "Key " + signerKeyId + " may not sign this key");
            }
            ObjectNode candidate = SignedJson.signedPart(stored);
            SignedJson.addSignature(candidate, signer, signerKeyId, sig.getValue().asString());
            if (!SignedJson.verify(candidate, signer, signerKeyId, publicKey)) {
                throw new MatrixException(ErrCode.M_INVALID_SIGNATURE, "Invalid signature by " + signerKeyId);
            }
            out.add(new NewSignature(targetUser, targetKeyId,
                    new CrossSigningStore.Signature(signer, signerKeyId, sig.getValue().asString())));
        }
        return out;
    }

    private static void addSigner(Map<String, String> signers, CrossSigningStore.CrossSigningKey key) {
        if (key != null) signers.put("ed25519:" + key.publicKey(), key.publicKey());
    }
}

package org.bollwerk.e2ee;

import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for e2e_cross_signing_keys and e2e_signatures. */
@Repository
class CrossSigningStore {
    static final String MASTER = "master";
    static final String SELF_SIGNING = "self_signing";
    static final String USER_SIGNING = "user_signing";

    private final Db db;

    CrossSigningStore(Db db) {
        this.db = db;
    }

    /** One cross-signing key: its type, the unpadded-base64 Ed25519 public key, and the JSON as uploaded. */
    record CrossSigningKey(String type, String publicKey, ObjectNode json) {
    }

    /** Key type → key of one user. */
    Map<String, CrossSigningKey> keys(String userId) {
        Map<String, CrossSigningKey> keys = new LinkedHashMap<>();
        db.sql().sql("SELECT key_type, public_key, key_json FROM e2e_cross_signing_keys WHERE user_id = ?").param(userId)
                .query(rs -> {
                    keys.put(rs.getString(1), new CrossSigningKey(rs.getString(1), rs.getString(2), KeyStore.parse(rs.getString(3))));
                });
        return keys;
    }

    Optional<CrossSigningKey> key(String userId, String type) {
        return Optional.ofNullable(keys(userId).get(type));
    }

    void put(String userId, String type, String publicKey, ObjectNode json, long now) {
        db.sql().sql("INSERT INTO e2e_cross_signing_keys (user_id, key_type, public_key, key_json, created_ts) "
                        + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, key_type) DO UPDATE SET "
                        + "public_key = excluded.public_key, key_json = excluded.key_json, created_ts = excluded.created_ts")
                .params(userId, type, publicKey, Json.write(json), now).update();
    }

    record Signature(String signerUserId, String signerKeyId, String signature) {
    }

    void putSignature(String targetUserId, String targetKeyId, Signature sig) {
        db.sql().sql("INSERT INTO e2e_signatures (target_user_id, target_key_id, signer_user_id, signer_key_id, signature) "
                        + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (target_user_id, target_key_id, signer_user_id, signer_key_id) "
                        + "DO UPDATE SET signature = excluded.signature")
                .params(targetUserId, targetKeyId, sig.signerUserId(), sig.signerKeyId(), sig.signature()).update();
    }

    /** Target key ID (device ID or cross-signing public key) → signatures uploaded later, for one user's keys. */
    Map<String, List<Signature>> signaturesOn(String targetUserId) {
        Map<String, List<Signature>> out = new LinkedHashMap<>();
        db.sql().sql("SELECT target_key_id, signer_user_id, signer_key_id, signature FROM e2e_signatures "
                        + "WHERE target_user_id = ?").param(targetUserId)
                .query(rs -> {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new Signature(rs.getString(2), rs.getString(3), rs.getString(4)));
                });
        return out;
    }

    void deleteUser(String userId) {
        db.sql().sql("DELETE FROM e2e_cross_signing_keys WHERE user_id = ?").param(userId).update();
        db.sql().sql("DELETE FROM e2e_signatures WHERE target_user_id = ? OR signer_user_id = ?").params(userId, userId).update();
    }
}

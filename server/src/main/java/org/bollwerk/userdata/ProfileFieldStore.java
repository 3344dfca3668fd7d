package org.bollwerk.userdata;

import org.bollwerk.keys.AtRestCipher;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * SQL for {@code profile_fields}: custom profile fields, their JSON encrypted at rest (what users write about
 * themselves — time zone, job title, pronouns — is personal data), bound to user and key.
 */
@Repository
class ProfileFieldStore {
    private final Db db;
    private final AtRestCipher cipher;

    ProfileFieldStore(Db db, AtRestCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    static String aad(String userId, String key) {
        return "profile-field\0" + userId + "\0" + key;
    }

    Map<String, JsonNode> all(String userId) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        db.sql().sql("SELECT key_name, value FROM profile_fields WHERE user_id = ? ORDER BY key_name").param(userId)
                .query((rs, n) -> fields.put(rs.getString(1),
                        Json.MAPPER.readTree(cipher.decryptText(rs.getString(2), aad(userId, rs.getString(1))))))
                .list();
        return fields;
    }

    Optional<JsonNode> get(String userId, String key) {
        return db.sql().sql("SELECT value FROM profile_fields WHERE user_id = ? AND key_name = ?").params(userId, key)
                .query(String.class).optional().map(stored -> Json.MAPPER.readTree(cipher.decryptText(stored, aad(userId, key))));
    }

    /** Plain JSON bytes of all fields but {@code exceptKey} (which is about to be replaced). */
    long bytesExcept(String userId, String exceptKey) {
        return db.sql().sql("SELECT COALESCE(SUM(value_bytes + LENGTH(key_name)), 0) FROM profile_fields "
                        + "WHERE user_id = ? AND key_name <> ?")
                .params(userId, exceptKey).query(Long.class).single();
    }

    void put(String userId, String tenantId, String key, String json, int bytes) {
        db.sql().sql("INSERT INTO profile_fields (user_id, key_name, value, value_bytes) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (user_id, key_name) DO UPDATE SET value = excluded.value, value_bytes = excluded.value_bytes")
                .params(userId, key, cipher.encryptText(tenantId, json, aad(userId, key)), bytes).update();
    }

    boolean delete(String userId, String key) {
        return db.sql().sql("DELETE FROM profile_fields WHERE user_id = ? AND key_name = ?").params(userId, key).update() > 0;
    }

    void deleteAll(String userId) {
        db.sql().sql("DELETE FROM profile_fields WHERE user_id = ?").param(userId).update();
    }
}

package org.bollwerk.e2ee;

import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for device keys, one-time keys and fallback keys (tables e2e_device_keys, e2e_one_time_keys, e2e_fallback_keys). */
@Repository
class KeyStore {
    private final Db db;

    KeyStore(Db db) {
        this.db = db;
    }

    static ObjectNode parse(String json) {
        return Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A stored key value: an object, or a bare string for unsigned curve25519 one-time keys. */
    static JsonNode value(String json) {
        return Json.MAPPER.readTree(json);
    }

    // ---- device keys

    Optional<ObjectNode> deviceKeys(String userId, String deviceId) {
        return db.sql().sql("SELECT key_json FROM e2e_device_keys WHERE user_id = ? AND device_id = ?")
                .params(userId, deviceId).query(String.class).optional().map(KeyStore::parse);
    }

    /** Device ID → stored device keys of one user. */
    Map<String, ObjectNode> deviceKeys(String userId) {
        Map<String, ObjectNode> keys = new LinkedHashMap<>();
        db.sql().sql("SELECT device_id, key_json FROM e2e_device_keys WHERE user_id = ? ORDER BY device_id").param(userId)
                .query(rs -> {
                    keys.put(rs.getString(1), parse(rs.getString(2)));
                });
        return keys;
    }

    void putDeviceKeys(String userId, String deviceId, ObjectNode keys, long now) {
        db.sql().sql("INSERT INTO e2e_device_keys (user_id, device_id, key_json, created_ts) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (user_id, device_id) DO UPDATE SET key_json = excluded.key_json")
                .params(userId, deviceId, Json.write(keys), now).update();
    }

    // ---- one-time keys

    Optional<JsonNode> oneTimeKey(String userId, String deviceId, String algorithm, String keyId) {
        return db.sql().sql("SELECT key_json FROM e2e_one_time_keys WHERE user_id = ? AND device_id = ? AND algorithm = ? "
                        + "AND key_id = ?")
                .params(userId, deviceId, algorithm, keyId).query(String.class).optional().map(KeyStore::value);
    }

    void insertOneTimeKey(String userId, String deviceId, String algorithm, String keyId, JsonNode key) {
        db.sql().sql("INSERT INTO e2e_one_time_keys (user_id, device_id, algorithm, key_id, key_json) VALUES (?, ?, ?, ?, ?)")
                .params(userId, deviceId, algorithm, keyId, Json.write(key)).update();
    }

    /** Algorithm → number of one-time keys stored for the device. */
    Map<String, Integer> oneTimeKeyCounts(String userId, String deviceId) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        db.sql().sql("SELECT algorithm, COUNT(*) FROM e2e_one_time_keys WHERE user_id = ? AND device_id = ? GROUP BY algorithm")
                .params(userId, deviceId).query(rs -> {
                    counts.put(rs.getString(1), rs.getInt(2));
                });
        return counts;
    }

    /** A key handed out by a claim: its full ID ({@code algorithm:id}) and JSON. */
    record Claimed(String keyId, JsonNode json) {
    }

    /**
     * Removes and returns one one-time key. The single DELETE ... RETURNING means a key is returned to
     * exactly one claimer even when claims race: a loser deletes nothing and gets empty.
     */
    Optional<Claimed> takeOneTimeKey(String userId, String deviceId, String algorithm) {
        return db.sql().sql("DELETE FROM e2e_one_time_keys WHERE user_id = ? AND device_id = ? AND algorithm = ? AND key_id = "
                        + "(SELECT key_id FROM e2e_one_time_keys WHERE user_id = ? AND device_id = ? AND algorithm = ? "
                        + "ORDER BY key_id LIMIT 1) RETURNING key_id, key_json")
                .params(userId, deviceId, algorithm, userId, deviceId, algorithm)
                .query((rs, n) -> new Claimed(algorithm + ":" + rs.getString(1), value(rs.getString(2))))
                .optional();
    }

    boolean anyOneTimeKey(String userId, String deviceId, String algorithm) {
        return db.sql().sql("SELECT 1 FROM e2e_one_time_keys WHERE user_id = ? AND device_id = ? AND algorithm = ? LIMIT 1")
                .params(userId, deviceId, algorithm).query(Integer.class).optional().isPresent();
    }

    // ---- fallback keys

    record Fallback(String keyId, ObjectNode json, boolean used) {
    }

    Optional<Fallback> fallbackKey(String userId, String deviceId, String algorithm) {
        return db.sql().sql("SELECT key_id, key_json, used FROM e2e_fallback_keys WHERE user_id = ? AND device_id = ? "
                        + "AND algorithm = ?")
                .params(userId, deviceId, algorithm)
                .query((rs, n) -> new Fallback(rs.getString(1), parse(rs.getString(2)), rs.getInt(3) == 1)).optional();
    }

    /** Stores a new fallback key for the algorithm, replacing the old one; the new key is unused. */
    void putFallbackKey(String userId, String deviceId, String algorithm, String keyId, ObjectNode json) {
        db.sql().sql("INSERT INTO e2e_fallback_keys (user_id, device_id, algorithm, key_id, key_json, used) "
                        + "VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (user_id, device_id, algorithm) DO UPDATE SET "
                        + "key_id = excluded.key_id, key_json = excluded.key_json, used = 0")
                .params(userId, deviceId, algorithm, keyId, Json.write(json)).update();
    }

    /** Marks the fallback key used and returns it (it stays, for further claims, until replaced). */
    Optional<Claimed> useFallbackKey(String userId, String deviceId, String algorithm) {
        return db.sql().sql("UPDATE e2e_fallback_keys SET used = 1 WHERE user_id = ? AND device_id = ? AND algorithm = ? "
                        + "RETURNING key_id, key_json")
                .params(userId, deviceId, algorithm)
                .query((rs, n) -> new Claimed(algorithm + ":" + rs.getString(1), parse(rs.getString(2))))
                .optional();
    }

    List<String> unusedFallbackAlgorithms(String userId, String deviceId) {
        return db.sql().sql("SELECT algorithm FROM e2e_fallback_keys WHERE user_id = ? AND device_id = ? AND used = 0 "
                        + "ORDER BY algorithm")
                .params(userId, deviceId).query(String.class).list();
    }

    // ---- removal

    void deleteDevice(String userId, String deviceId) {
        for (String table : List.of("e2e_device_keys", "e2e_one_time_keys", "e2e_fallback_keys")) {
            db.sql().sql("DELETE FROM " + table + " WHERE user_id = ? AND device_id = ?").params(userId, deviceId).update();
        }
        db.sql().sql("DELETE FROM e2e_signatures WHERE target_user_id = ? AND target_key_id = ?")
                .params(userId, deviceId).update();
    }

    void deleteUser(String userId) {
        for (String table : List.of("e2e_device_keys", "e2e_one_time_keys", "e2e_fallback_keys")) {
            db.sql().sql("DELETE FROM " + table + " WHERE user_id = ?").param(userId).update();
        }
    }
}

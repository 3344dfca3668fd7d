package org.bollwerk.e2ee;

import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.RoomId;
import org.bollwerk.storage.Db;
import org.bollwerk.web.JsonBody;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Server-side key backup ({@code /room_keys}). The server stores what the client encrypted with its
 * backup key and cannot read it; it only compares the plaintext metadata (verification, first message
 * index, forward count) to keep the better copy of each session key.
 */
@Service
class KeyBackupService {
    private final Db db;
    private final KeyBackupStore store;

    KeyBackupService(Db db, KeyBackupStore store) {
        this.db = db;
        this.store = store;
    }

    // ---- versions

    String createVersion(String userId, ObjectNode body) {
        String algorithm = JsonBody.string(body, "algorithm", true);
        ObjectNode authData = JsonBody.object(body, "auth_data", true);
        return db.write(() -> {
            db.nextPosition();  // serialises concurrent creations, so version numbers never collide
            return Long.toString(store.create(userId, algorithm, authData));
        });
    }

    Map<String, Object> version(String userId, String version) {
        KeyBackupStore.Version v = version == null
                ? store.latest(userId).orElseThrow(() -> MatrixException.notFound("No current backup version"))
                : existing(userId, version);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("algorithm", v.algorithm());
        out.put("auth_data", v.authData());
        out.put("count", store.count(userId, v.version()));
        out.put("etag", Long.toString(v.etag()));
        out.put("version", Long.toString(v.version()));
        return out;
    }

    void updateVersion(String userId, String version, ObjectNode body) {
        ObjectNode authData = JsonBody.object(body, "auth_data", true);
        String algorithm = JsonBody.string(body, "algorithm", true);
        String bodyVersion = JsonBody.string(body, "version", false);
        if (bodyVersion != null && !bodyVersion.equals(version)) {
            throw MatrixException.invalidParam("The version in the body does not match the version in the path");
        }
        db.write(() -> {
            KeyBackupStore.Version v = existing(userId, version);
            if (!v.algorithm().equals(algorithm)) throw MatrixException.invalidParam("The algorithm of a backup cannot change");
            store.updateAuthData(userId, v.version(), authData);
        });
    }

    void deleteVersion(String userId, String version) {
        db.write(() -> store.markDeleted(userId, existing(userId, version).version()));
    }

    private KeyBackupStore.Version existing(String userId, String version) {
        return parseVersion(version).flatMap(v -> store.version(userId, v))
                .orElseThrow(() -> MatrixException.notFound("Unknown backup version"));
    }

    private static java.util.Optional<Long> parseVersion(String version) {
        if (version == null || version.isEmpty() || version.length() > 18 || !version.chars().allMatch(Character::isDigit)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Long.parseLong(version));
    }

    // ---- keys

    /**
     * Stores keys in the current version. {@code roomId}/{@code sessionId} say at which level the body
     * is: all rooms ({@code {rooms:{…}}}), one room ({@code {sessions:{…}}}) or one session (the key itself).
     */
    Map<String, Object> putKeys(String userId, String version, String roomId, String sessionId, ObjectNode body) {
        if (version == null) throw MatrixException.missingParam("Missing 'version' query parameter");
        List<KeyBackupStore.RoomKey> uploaded = new ArrayList<>();
        if (roomId == null) {
            ObjectNode rooms = JsonBody.object(body, "rooms", true);
            for (Map.Entry<String, JsonNode> room : rooms.properties()) {
                if (!room.getValue().isObject()) throw MatrixException.badJson("Each room must be an object");
                sessions(room.getKey(), JsonBody.object(room.getValue(), "sessions", true), uploaded);
            }
        } else if (sessionId == null) {
            sessions(roomId, JsonBody.object(body, "sessions", true), uploaded);
        } else {
            uploaded.add(roomKey(roomId, sessionId, body));
        }
        return db.write(() -> {
            KeyBackupStore.Version v = existing(userId, version);
            KeyBackupStore.Version current = store.latest(userId).orElseThrow();
            if (current.version() != v.version()) {
                throw new MatrixException(ErrCode.M_WRONG_ROOM_KEYS_VERSION, 403, "Not the current backup version",
                        Map.of("current_version", Long.toString(current.version())));
            }
            boolean changed = false;
            for (KeyBackupStore.RoomKey key : uploaded) {
                KeyBackupStore.RoomKey old = store.key(userId, v.version(), key.roomId(), key.sessionId()).orElse(null);
                if (old == null || better(key, old)) {
                    store.put(userId, v.version(), key);
                    changed = true;
                }
            }
            long etag = changed ? store.bumpEtag(userId, v.version()) : v.etag();
            return Map.of("etag", Long.toString(etag), "count", store.count(userId, v.version()));
        });
    }

    /** The spec's rule: a verified key beats an unverified one, then the lower first index, then fewer forwards. */
    static boolean better(KeyBackupStore.RoomKey candidate, KeyBackupStore.RoomKey stored) {
        if (candidate.verified() != stored.verified()) return candidate.verified();
        if (candidate.firstMessageIndex() != stored.firstMessageIndex()) {
            return candidate.firstMessageIndex() < stored.firstMessageIndex();
        }
        return candidate.forwardedCount() < stored.forwardedCount();
    }

    private static void sessions(String roomId, ObjectNode sessions, List<KeyBackupStore.RoomKey> out) {
        for (Map.Entry<String, JsonNode> session : sessions.properties()) {
            if (!session.getValue().isObject()) throw MatrixException.badJson("Each session must be an object");
            out.add(roomKey(roomId, session.getKey(), (ObjectNode) session.getValue()));
        }
    }

    private static KeyBackupStore.RoomKey roomKey(String roomId, String sessionId, ObjectNode json) {
        RoomId.parse(roomId);
        if (sessionId.isEmpty() || sessionId.length() > 255) throw MatrixException.invalidParam("Invalid session ID");
        Long firstIndex = JsonBody.integer(json, "first_message_index");
        Long forwarded = JsonBody.integer(json, "forwarded_count");
        if (firstIndex == null || forwarded == null || !json.path("is_verified").isBoolean()) {
            throw MatrixException.badJson("A backed-up key needs first_message_index, forwarded_count and is_verified");
        }
        if (firstIndex < 0 || forwarded < 0) throw MatrixException.badJson("Key counters cannot be negative");
        ObjectNode data = JsonBody.object(json, "session_data", true);
        return new KeyBackupStore.RoomKey(roomId, sessionId, firstIndex, forwarded, json.path("is_verified").booleanValue(), data);
    }

    Object getKeys(String userId, String version, String roomId, String sessionId) {
        if (version == null) throw MatrixException.missingParam("Missing 'version' query parameter");
        KeyBackupStore.Version v = existing(userId, version);
        List<KeyBackupStore.RoomKey> keys = store.keys(userId, v.version(), roomId, sessionId);
        if (sessionId != null) {
            if (keys.isEmpty()) throw MatrixException.notFound("No key backed up for this session");
            return json(keys.get(0));
        }
        Map<String, Map<String, Object>> rooms = new LinkedHashMap<>();
        for (KeyBackupStore.RoomKey key : keys) {
            rooms.computeIfAbsent(key.roomId(), r -> new LinkedHashMap<>()).put(key.sessionId(), json(key));
        }
        if (roomId != null) return Map.of("sessions", rooms.getOrDefault(roomId, Map.of()));
        Map<String, Object> out = new LinkedHashMap<>();
        rooms.forEach((room, sessions) -> out.put(room, Map.of("sessions", sessions)));
        return Map.of("rooms", out);
    }

    Map<String, Object> deleteKeys(String userId, String version, String roomId, String sessionId) {
        if (version == null) throw MatrixException.missingParam("Missing 'version' query parameter");
        return db.write(() -> {
            KeyBackupStore.Version v = existing(userId, version);
            int deleted = store.delete(userId, v.version(), roomId, sessionId);
            long etag = deleted > 0 ? store.bumpEtag(userId, v.version()) : v.etag();
            return Map.of("etag", Long.toString(etag), "count", store.count(userId, v.version()));
        });
    }

    private static Map<String, Object> json(KeyBackupStore.RoomKey key) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("first_message_index", key.firstMessageIndex());
        out.put("forwarded_count", key.forwardedCount());
        out.put("is_verified", key.verified());
        out.put("session_data", key.sessionData());
        return out;
    }
}

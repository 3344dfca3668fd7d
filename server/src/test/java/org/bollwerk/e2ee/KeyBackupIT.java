package org.bollwerk.e2ee;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KeyBackupIT extends E2eeTestBase {
    private static final String ROOM = "!room:localhost";

    private static Map<String, Object> key(int firstIndex, int forwarded, boolean verified, String data) {
        return Map.of("first_message_index", firstIndex, "forwarded_count", forwarded, "is_verified", verified,
                "session_data", Map.of("ciphertext", data, "ephemeral", "e", "mac", "m"));
    }

    private String createVersion(User user) {
        return ok(post(user, "/room_keys/version", Map.of("algorithm", "m.megolm_backup.v1.curve25519-aes-sha2",
                "auth_data", Map.of("public_key", "abc")))).path("version").asString();
    }

    private String sessionPath(String version) {
        return "/room_keys/keys/" + org.bollwerk.testsupport.MatrixHttp.encode(ROOM) + "/sess1?version=" + version;
    }

    @Test
    void withoutABackupTheLatestVersionIsNotFound() {
        User alice = newUser("alice");
        refused(get(alice, "/room_keys/version"), 404, "M_NOT_FOUND");
        refused(get(alice, "/room_keys/version/1"), 404, "M_NOT_FOUND");
        refused(get(alice, "/room_keys/version/abc"), 404, "M_NOT_FOUND");
        refused(get(alice, "/room_keys/keys?version=1"), 404, "M_NOT_FOUND");
    }

    @Test
    void versionsAreCreatedReadUpdatedAndDeletedAndNumbersAreNotReused() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String v1 = createVersion(alice);
        JsonNode latest = ok(get(alice, "/room_keys/version"));
        assertThat(latest.path("version").asString()).isEqualTo(v1);
        assertThat(latest.path("algorithm").asString()).isEqualTo("m.megolm_backup.v1.curve25519-aes-sha2");
        assertThat(latest.path("count").asInt()).isZero();
        assertThat(latest.path("etag").isString()).isTrue();
        refused(get(bob, "/room_keys/version"), 404, "M_NOT_FOUND");

        ok(put(alice, "/room_keys/version/" + v1, Map.of("algorithm", "m.megolm_backup.v1.curve25519-aes-sha2",
                "auth_data", Map.of("public_key", "def"), "version", v1)));
        assertThat(ok(get(alice, "/room_keys/version/" + v1)).path("auth_data").path("public_key").asString()).isEqualTo("def");
        refused(put(alice, "/room_keys/version/" + v1, Map.of("algorithm", "other", "auth_data", Map.of())), 400, "M_INVALID_PARAM");
        refused(put(alice, "/room_keys/version/" + v1, Map.of("algorithm", "m.megolm_backup.v1.curve25519-aes-sha2",
                "auth_data", Map.of(), "version", "99")), 400, "M_INVALID_PARAM");

        ok(http.send("DELETE", V3 + "/room_keys/version/" + v1, alice.token(), null));
        refused(get(alice, "/room_keys/version"), 404, "M_NOT_FOUND");
        String v2 = createVersion(alice);
        assertThat(v2).isNotEqualTo(v1);
    }

    @Test
    void aStoredKeyIsReplacedOnlyByABetterOne() {
        User alice = newUser("alice");
        String v = createVersion(alice);
        JsonNode first = ok(put(alice, sessionPath(v), key(5, 1, false, "original")));
        assertThat(first.path("count").asInt()).isEqualTo(1);
        String etag = first.path("etag").asString();

        // Worse: higher first index → kept as it was, etag unchanged.
        JsonNode worse = ok(put(alice, sessionPath(v), key(9, 0, false, "worse")));
        assertThat(worse.path("etag").asString()).isEqualTo(etag);
        assertThat(ok(get(alice, sessionPath(v))).path("session_data").path("ciphertext").asString()).isEqualTo("original");
        // Same index, fewer forwards → replaced.
        ok(put(alice, sessionPath(v), key(5, 0, false, "fewer-forwards")));
        assertThat(ok(get(alice, sessionPath(v))).path("session_data").path("ciphertext").asString()).isEqualTo("fewer-forwards");
        // Verified beats a lower index.
        ok(put(alice, sessionPath(v), key(7, 3, true, "verified")));
        assertThat(ok(get(alice, sessionPath(v))).path("session_data").path("ciphertext").asString()).isEqualTo("verified");
        // Unverified never replaces verified, however low the index.
        ok(put(alice, sessionPath(v), key(0, 0, false, "unverified")));
        assertThat(ok(get(alice, sessionPath(v))).path("session_data").path("ciphertext").asString()).isEqualTo("verified");
        // Verified with a lower index → replaced.
        JsonNode better = ok(put(alice, sessionPath(v), key(1, 3, true, "best")));
        assertThat(better.path("etag").asString()).isNotEqualTo(etag);
        assertThat(ok(get(alice, sessionPath(v))).path("session_data").path("ciphertext").asString()).isEqualTo("best");
    }

    @Test
    void keysWorkAtAllThreeLevelsAndOnlyTheCurrentVersionAcceptsUploads() {
        User alice = newUser("alice");
        String old = createVersion(alice);
        String v = createVersion(alice);
        refused(put(alice, "/room_keys/keys?version=" + old, Map.of("rooms", Map.of())), 403, "M_WRONG_ROOM_KEYS_VERSION");
        assertThat(put(alice, "/room_keys/keys?version=" + old, Map.of("rooms", Map.of())).json().path("current_version").asString())
                .isEqualTo(v);
        String room2 = "!other:localhost";
        ok(put(alice, "/room_keys/keys?version=" + v, Map.of("rooms", Map.of(
                ROOM, Map.of("sessions", Map.of("a", key(0, 0, false, "a"), "b", key(0, 0, false, "b"))),
                room2, Map.of("sessions", Map.of("c", key(0, 0, false, "c")))))));
        ok(put(alice, "/room_keys/keys/" + org.bollwerk.testsupport.MatrixHttp.encode(room2) + "?version=" + v,
                Map.of("sessions", Map.of("d", key(0, 0, false, "d")))));
        JsonNode all = ok(get(alice, "/room_keys/keys?version=" + v));
        assertThat(all.path("rooms").path(ROOM).path("sessions").size()).isEqualTo(2);
        assertThat(all.path("rooms").path(room2).path("sessions").size()).isEqualTo(2);
        JsonNode oneRoom = ok(get(alice, "/room_keys/keys/" + org.bollwerk.testsupport.MatrixHttp.encode(ROOM) + "?version=" + v));
        assertThat(oneRoom.path("sessions").has("a")).isTrue();
        JsonNode emptyRoom = ok(get(alice, "/room_keys/keys/" + org.bollwerk.testsupport.MatrixHttp.encode("!none:localhost")
                + "?version=" + v));
        assertThat(emptyRoom.path("sessions").isEmpty()).isTrue();
        refused(get(alice, "/room_keys/keys/" + org.bollwerk.testsupport.MatrixHttp.encode(ROOM) + "/zzz?version=" + v),
                404, "M_NOT_FOUND");
        assertThat(ok(get(alice, "/room_keys/version")).path("count").asInt()).isEqualTo(4);

        JsonNode afterSession = ok(http.send("DELETE", V3 + "/room_keys/keys/" + org.bollwerk.testsupport.MatrixHttp.encode(ROOM)
                + "/a?version=" + v, alice.token(), null));
        assertThat(afterSession.path("count").asInt()).isEqualTo(3);
        JsonNode afterRoom = ok(http.send("DELETE", V3 + "/room_keys/keys/" + org.bollwerk.testsupport.MatrixHttp.encode(room2)
                + "?version=" + v, alice.token(), null));
        assertThat(afterRoom.path("count").asInt()).isEqualTo(1);
        JsonNode afterAll = ok(http.send("DELETE", V3 + "/room_keys/keys?version=" + v, alice.token(), null));
        assertThat(afterAll.path("count").asInt()).isZero();
    }

    @Test
    void malformedKeysAreRefusedAndNothingIsStored() {
        User alice = newUser("alice");
        String v = createVersion(alice);
        refused(put(alice, sessionPath(v), Map.of("first_message_index", 0)), 400, "M_BAD_JSON");
        refused(put(alice, sessionPath(v), Map.of("first_message_index", "x", "forwarded_count", 0, "is_verified", false,
                "session_data", Map.of())), 400, "M_BAD_JSON");
        refused(put(alice, "/room_keys/keys?version=" + v, Map.of("rooms", Map.of(ROOM, Map.of("sessions", Map.of(
                "good", key(0, 0, false, "g"), "bad", Map.of("is_verified", true)))))), 400, "M_BAD_JSON");
        ok(put(alice, "/room_keys/keys?version=" + v, Map.of("rooms", Map.of())));
        refused(put(alice, "/room_keys/keys", Map.of("rooms", Map.of())), 400, "M_MISSING_PARAM");
        assertThat(ok(get(alice, "/room_keys/version")).path("count").asInt()).isZero();
        refused(post(alice, "/room_keys/version", Map.of("auth_data", Map.of())), 400, "M_MISSING_PARAM");
    }
}

package org.bollwerk.e2ee;

import org.bollwerk.matrix.json.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class DeviceKeysIT extends E2eeTestBase {

    @Test
    void anEmptyUploadAnswersTheCountsIncludingSignedCurve25519() {
        User alice = newUser("alice");
        JsonNode body = ok(post(alice, "/keys/upload", Map.of()));
        assertThat(body.path("one_time_key_counts").path("signed_curve25519").asInt(-1)).isZero();
        JsonNode noBody = ok(http.send("POST", V3 + "/keys/upload", alice.token(), ""));
        assertThat(noBody.path("one_time_key_counts").path("signed_curve25519").asInt(-1)).isZero();
    }

    @Test
    void uploadedDeviceKeysAreReturnedByQueryWithTheDeviceDisplayName() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        DeviceIdentity id = uploadIdentity(alice);
        ok(put(alice, "/devices/" + alice.deviceId(), Map.of("display_name", "Alice's laptop")));
        JsonNode body = ok(post(bob, "/keys/query", Map.of("device_keys", Map.of(alice.userId(), List.of()))));
        JsonNode device = body.path("device_keys").path(alice.userId()).path(alice.deviceId());
        assertThat(device.path("keys").path("ed25519:" + alice.deviceId()).asString()).isEqualTo(id.ed25519());
        assertThat(device.path("signatures").path(alice.userId()).has("ed25519:" + alice.deviceId())).isTrue();
        assertThat(device.path("unsigned").path("device_display_name").asString()).isEqualTo("Alice's laptop");
        assertThat(body.has("failures")).isTrue();
        JsonNode unknown = ok(post(bob, "/keys/query", Map.of("device_keys", Map.of("@nobody:localhost", List.of()))));
        assertThat(unknown.path("device_keys").path("@nobody:localhost").isEmpty()).isTrue();
    }

    @Test
    void deviceKeysWithABadSignatureAreRefusedAndNotStored() {
        User alice = newUser("alice");
        DeviceIdentity id = identity(alice);
        ObjectNode tampered = id.deviceKeys().deepCopy();
        ((ObjectNode) tampered.get("keys")).put("curve25519:" + alice.deviceId(), "dGFtcGVyZWQ");
        refused(post(alice, "/keys/upload", Map.of("device_keys", tampered)), 400, "M_INVALID_SIGNATURE");
        ObjectNode unsigned = id.deviceKeys().deepCopy();
        unsigned.remove("signatures");
        refused(post(alice, "/keys/upload", Map.of("device_keys", unsigned)), 400, "M_INVALID_SIGNATURE");
        JsonNode query = ok(post(alice, "/keys/query", Map.of("device_keys", Map.of(alice.userId(), List.of()))));
        assertThat(query.path("device_keys").path(alice.userId()).isEmpty()).isTrue();
    }

    @Test
    void malformedDeviceKeysGiveBadJsonAndSomeoneElsesDeviceIsRefused() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        ObjectNode noEd = identity(alice).deviceKeys().deepCopy();
        ((ObjectNode) noEd.get("keys")).remove("ed25519:" + alice.deviceId());
        refused(post(alice, "/keys/upload", Map.of("device_keys", noEd)), 400, "M_BAD_JSON");
        refused(post(alice, "/keys/upload", Map.of("device_keys", "nope")), 400, "M_BAD_JSON");
        refused(post(alice, "/keys/upload", Map.of("device_keys", identity(bob).deviceKeys())), 400, "M_INVALID_PARAM");
        refused(post(alice, "/keys/upload", Map.of("one_time_keys", Map.of("nocolon", "abc"))), 400, "M_BAD_JSON");
        refused(post(alice, "/keys/query", Map.of("device_keys", Map.of(bob.userId(), "x"))), 400, "M_BAD_JSON");
        refused(post(alice, "/keys/claim", Map.of("one_time_keys", List.of())), 400, "M_BAD_JSON");
    }

    @Test
    void oneTimeKeysAreCountedAndAnIdenticalReuploadIsFineButChangedContentIsRefused() {
        User alice = newUser("alice");
        DeviceIdentity id = uploadIdentity(alice);
        ObjectNode keys = oneTimeKeys(alice, id, "A", 5);
        JsonNode counts = ok(post(alice, "/keys/upload", Map.of("one_time_keys", keys))).path("one_time_key_counts");
        assertThat(counts.path("signed_curve25519").asInt()).isEqualTo(5);
        assertThat(ok(post(alice, "/keys/upload", Map.of("one_time_keys", keys)))
                .path("one_time_key_counts").path("signed_curve25519").asInt()).isEqualTo(5);
        ObjectNode changed = Json.MAPPER.createObjectNode();
        changed.set("signed_curve25519:A0", signedKey(alice, id, "different", false));
        refused(post(alice, "/keys/upload", Map.of("one_time_keys", changed)), 400, "M_INVALID_PARAM");
        JsonNode sync = sync(alice, null);
        assertThat(sync.path("device_one_time_keys_count").path("signed_curve25519").asInt()).isEqualTo(5);
        assertThat(sync.path("device_unused_fallback_key_types").isArray()).isTrue();
    }

    @Test
    void aOneTimeKeyWithAForgedSignatureIsRefusedAndNothingOfTheUploadIsStored() {
        User alice = newUser("alice");
        DeviceIdentity id = uploadIdentity(alice);
        ObjectNode keys = oneTimeKeys(alice, id, "B", 3);
        ObjectNode forged = signedKey(alice, identity(alice), "forged", false);  // signed by another key
        keys.set("signed_curve25519:forged", forged);
        refused(post(alice, "/keys/upload", Map.of("one_time_keys", keys)), 400, "M_INVALID_SIGNATURE");
        assertThat(ok(post(alice, "/keys/upload", Map.of())).path("one_time_key_counts").path("signed_curve25519").asInt())
                .isZero();
    }

    @Test
    void claimHandsOutEachOneTimeKeyOnceThenTheFallbackKeyWhichIsMarkedUsed() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        DeviceIdentity id = uploadIdentity(alice);
        ObjectNode fallback = Json.MAPPER.createObjectNode();
        fallback.set("signed_curve25519:FB", signedKey(alice, id, "FB", true));
        ok(post(alice, "/keys/upload", Map.of("one_time_keys", oneTimeKeys(alice, id, "C", 2), "fallback_keys", fallback)));
        assertThat(strings(sync(alice, null).path("device_unused_fallback_key_types"))).containsExactly("signed_curve25519");

        Map<String, Object> request = Map.of("one_time_keys", Map.of(alice.userId(), Map.of(alice.deviceId(), "signed_curve25519")));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            JsonNode keys = ok(post(bob, "/keys/claim", request)).path("one_time_keys").path(alice.userId()).path(alice.deviceId());
            assertThat(keys.size()).isEqualTo(1);
            String keyId = keys.propertyNames().iterator().next();
            assertThat(keyId).startsWith("signed_curve25519:C");
            assertThat(seen.add(keyId)).isTrue();
        }
        for (int i = 0; i < 2; i++) {
            JsonNode keys = ok(post(bob, "/keys/claim", request)).path("one_time_keys").path(alice.userId()).path(alice.deviceId());
            assertThat(keys.has("signed_curve25519:FB")).isTrue();
            assertThat(keys.path("signed_curve25519:FB").path("fallback").asBoolean()).isTrue();
        }
        JsonNode sync = sync(alice, null);
        assertThat(sync.path("device_one_time_keys_count").path("signed_curve25519").asInt()).isZero();
        assertThat(strings(sync.path("device_unused_fallback_key_types"))).isEmpty();
        // A new fallback key is unused again; re-uploading the same one keeps it used.
        ok(post(alice, "/keys/upload", Map.of("fallback_keys", fallback)));
        assertThat(strings(sync(alice, null).path("device_unused_fallback_key_types"))).isEmpty();
        ObjectNode fresh = Json.MAPPER.createObjectNode();
        fresh.set("signed_curve25519:FC", signedKey(alice, id, "FC", true));
        ok(post(alice, "/keys/upload", Map.of("fallback_keys", fresh)));
        assertThat(strings(sync(alice, null).path("device_unused_fallback_key_types"))).containsExactly("signed_curve25519");
    }

    @Test
    void concurrentClaimsConsumeEveryOneTimeKeyExactlyOnce() throws Exception {
        User alice = newUser("alice");
        User bob = newUser("bob");
        DeviceIdentity id = uploadIdentity(alice);
        int keys = 20;
        ok(post(alice, "/keys/upload", Map.of("one_time_keys", oneTimeKeys(alice, id, "D", keys))));
        Map<String, Object> request = Map.of("one_time_keys", Map.of(alice.userId(), Map.of(alice.deviceId(), "signed_curve25519")));
        List<Callable<String>> claims = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            claims.add(() -> {
                JsonNode got = ok(post(bob, "/keys/claim", request)).path("one_time_keys").path(alice.userId()).path(alice.deviceId());
                return got.isEmpty() ? null : got.propertyNames().iterator().next();
            });
        }
        List<String> handedOut = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (Future<String> f : pool.invokeAll(claims)) {
                if (f.get() != null) handedOut.add(f.get());
            }
        }
        assertThat(handedOut).hasSize(keys);
        assertThat(new HashSet<>(handedOut)).hasSize(keys);
    }

    @Test
    void uploadLimitsGiveClearErrors() {
        User alice = newUser("alice");
        DeviceIdentity id = uploadIdentity(alice);
        refused(post(alice, "/keys/upload", Map.of("one_time_keys", oneTimeKeys(alice, id, "E", 201))), 413, "M_TOO_LARGE");
        ObjectNode twoFallbacks = Json.MAPPER.createObjectNode();
        twoFallbacks.set("signed_curve25519:F1", signedKey(alice, id, "F1", true));
        twoFallbacks.set("signed_curve25519:F2", signedKey(alice, id, "F2", true));
        refused(post(alice, "/keys/upload", Map.of("fallback_keys", twoFallbacks)), 400, "M_INVALID_PARAM");
    }
}

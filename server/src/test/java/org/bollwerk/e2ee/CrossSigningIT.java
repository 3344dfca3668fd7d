package org.bollwerk.e2ee;

import org.bollwerk.matrix.crypto.SigningKey;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CrossSigningIT extends E2eeTestBase {

    /** A user's three cross-signing keys, the sub-keys signed by the master key. */
    record CrossSigning(SigningKey master, SigningKey selfSigning, SigningKey userSigning, ObjectNode masterJson,
                        ObjectNode selfSigningJson, ObjectNode userSigningJson) {
        Map<String, Object> upload() {
            return Map.of("master_key", masterJson, "self_signing_key", selfSigningJson, "user_signing_key", userSigningJson);
        }

        String masterId() {
            return "ed25519:" + master.publicKeyBase64();
        }
    }

    static ObjectNode crossSigningKey(String userId, String usage, SigningKey key) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("user_id", userId);
        json.putArray("usage").add(usage);
        json.putObject("keys").put("ed25519:" + key.publicKeyBase64(), key.publicKeyBase64());
        return json;
    }

    static CrossSigning crossSigning(User user) {
        SigningKey master = SigningKey.generate();
        SigningKey ssk = SigningKey.generate();
        SigningKey usk = SigningKey.generate();
        ObjectNode masterJson = crossSigningKey(user.userId(), "master", master);
        String masterId = "ed25519:" + master.publicKeyBase64();
        ObjectNode sskJson = sign(crossSigningKey(user.userId(), "self_signing", ssk), user.userId(), masterId, master);
        ObjectNode uskJson = sign(crossSigningKey(user.userId(), "user_signing", usk), user.userId(), masterId, master);
        return new CrossSigning(master, ssk, usk, masterJson, sskJson, uskJson);
    }

    private Map<String, Object> passwordAuth(User user, String session) {
        String localpart = user.userId().substring(1, user.userId().indexOf(':'));
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("type", "m.login.password");
        auth.put("identifier", Map.of("type", "m.id.user", "user", user.userId()));
        auth.put("password", "secret-" + localpart);
        if (session != null) auth.put("session", session);
        return auth;
    }

    private JsonNode query(User viewer, User target) {
        return ok(post(viewer, "/keys/query", Map.of("device_keys", Map.of(target.userId(), List.of()))));
    }

    /** Older matrix-js-sdk (Cinny 4.x) uploads cross-signing keys and signatures under the unstable prefix. */
    @Test
    void olderClientsSetUpCrossSigningThroughTheUnstablePrefix() {
        User alice = newUser("alice");
        CrossSigning keys = crossSigning(alice);
        ok(http.send("POST", "/_matrix/client/unstable/keys/device_signing/upload", alice.token(), keys.upload()));
        assertThat(query(alice, alice).path("master_keys").path(alice.userId()).path("keys").has(keys.masterId())).isTrue();
        JsonNode signatures = ok(http.send("POST", "/_matrix/client/unstable/keys/signatures/upload", alice.token(), Map.of()));
        assertThat(signatures.path("failures").isObject()).isTrue();
        ok(http.send("POST", "/_matrix/client/unstable/keys/query", alice.token(),
                Map.of("device_keys", Map.of(alice.userId(), List.of()))));
    }

    @Test
    void theFirstUploadNeedsNoPasswordAndTheKeysAppearInQueryUserSigningOnlyToTheOwner() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        CrossSigning keys = crossSigning(alice);
        ok(post(alice, "/keys/device_signing/upload", keys.upload()));
        JsonNode own = query(alice, alice);
        assertThat(own.path("master_keys").path(alice.userId()).path("keys").has(keys.masterId())).isTrue();
        assertThat(own.path("self_signing_keys").path(alice.userId()).path("usage").get(0).asString()).isEqualTo("self_signing");
        assertThat(own.path("user_signing_keys").has(alice.userId())).isTrue();
        JsonNode other = query(bob, alice);
        assertThat(other.path("master_keys").has(alice.userId())).isTrue();
        assertThat(other.path("self_signing_keys").has(alice.userId())).isTrue();
        assertThat(other.path("user_signing_keys").has(alice.userId())).isFalse();
        // An identical re-upload is fine without a password, too.
        ok(post(alice, "/keys/device_signing/upload", keys.upload()));
    }

    @Test
    void replacingTheKeysNeedsThePasswordThroughUserInteractiveAuth() {
        User alice = newUser("alice");
        ok(post(alice, "/keys/device_signing/upload", crossSigning(alice).upload()));
        CrossSigning replacement = crossSigning(alice);
        MatrixHttp.Response challenge = post(alice, "/keys/device_signing/upload", replacement.upload());
        assertThat(challenge.status()).isEqualTo(401);
        JsonNode flows = challenge.json();
        assertThat(flows.path("flows").toString()).contains("m.login.password");
        String session = flows.path("session").asString();
        assertThat(session).isNotEmpty();
        assertThat(query(alice, alice).path("master_keys").path(alice.userId()).path("keys").has(replacement.masterId())).isFalse();

        Map<String, Object> withAuth = new LinkedHashMap<>(replacement.upload());
        withAuth.put("auth", passwordAuth(alice, session));
        ok(post(alice, "/keys/device_signing/upload", withAuth));
        assertThat(query(alice, alice).path("master_keys").path(alice.userId()).path("keys").has(replacement.masterId())).isTrue();
    }

    @Test
    void aSelfSigningKeyNotSignedByTheMasterKeyIsRefusedAndNothingIsStored() {
        User alice = newUser("alice");
        CrossSigning keys = crossSigning(alice);
        SigningKey other = SigningKey.generate();
        ObjectNode badSsk = sign(crossSigningKey(alice.userId(), "self_signing", keys.selfSigning()), alice.userId(),
                keys.masterId(), other);
        refused(post(alice, "/keys/device_signing/upload", Map.of("master_key", keys.masterJson(), "self_signing_key", badSsk)),
                400, "M_INVALID_SIGNATURE");
        assertThat(query(alice, alice).path("master_keys").has(alice.userId())).isFalse();
        ObjectNode wrongUsage = crossSigningKey(alice.userId(), "self_signing", keys.master());
        refused(post(alice, "/keys/device_signing/upload", Map.of("master_key", wrongUsage)), 400, "M_BAD_JSON");
    }

    @Test
    void signaturesByTheSelfSigningKeyOnOwnDevicesAreVerifiedStoredAndShown() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        DeviceIdentity device = uploadIdentity(alice);
        CrossSigning keys = crossSigning(alice);
        ok(post(alice, "/keys/device_signing/upload", keys.upload()));
        String sskId = "ed25519:" + keys.selfSigning().publicKeyBase64();

        ObjectNode forged = sign(device.deviceKeys().deepCopy(), alice.userId(), sskId, SigningKey.generate());
        JsonNode failed = ok(post(alice, "/keys/signatures/upload", Map.of(alice.userId(), Map.of(alice.deviceId(), forged))));
        assertThat(failed.path("failures").path(alice.userId()).path(alice.deviceId()).path("errcode").asString())
                .isEqualTo("M_INVALID_SIGNATURE");
        assertThat(query(bob, alice).path("device_keys").path(alice.userId()).path(alice.deviceId())
                .path("signatures").path(alice.userId()).has(sskId)).isFalse();

        String since = sync(bob, null).path("next_batch").asString();
        privateRoomWith(alice, bob);
        since = sync(bob, since).path("next_batch").asString();
        ObjectNode signed = sign(device.deviceKeys().deepCopy(), alice.userId(), sskId, keys.selfSigning());
        JsonNode done = ok(post(alice, "/keys/signatures/upload", Map.of(alice.userId(), Map.of(alice.deviceId(), signed))));
        assertThat(done.path("failures").isEmpty()).isTrue();
        JsonNode shown = query(bob, alice).path("device_keys").path(alice.userId()).path(alice.deviceId());
        assertThat(shown.path("signatures").path(alice.userId()).has(sskId)).isTrue();
        assertThat(shown.path("signatures").path(alice.userId()).has("ed25519:" + alice.deviceId())).isTrue();
        assertThat(strings(sync(bob, since).path("device_lists").path("changed"))).contains(alice.userId());
    }

    @Test
    void aUserSigningSignatureOnAnotherUsersMasterKeyIsVisibleOnlyToTheSigner() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        User carol = newUser("carol");
        CrossSigning aliceKeys = crossSigning(alice);
        CrossSigning bobKeys = crossSigning(bob);
        ok(post(alice, "/keys/device_signing/upload", aliceKeys.upload()));
        ok(post(bob, "/keys/device_signing/upload", bobKeys.upload()));
        String uskId = "ed25519:" + aliceKeys.userSigning().publicKeyBase64();
        ObjectNode signedMaster = sign(bobKeys.masterJson().deepCopy(), alice.userId(), uskId, aliceKeys.userSigning());
        JsonNode done = ok(post(alice, "/keys/signatures/upload",
                Map.of(bob.userId(), Map.of(bobKeys.master().publicKeyBase64(), signedMaster))));
        assertThat(done.path("failures").isEmpty()).as(done.toString()).isTrue();
        assertThat(query(alice, bob).path("master_keys").path(bob.userId()).path("signatures").path(alice.userId()).has(uskId))
                .isTrue();
        assertThat(query(carol, bob).path("master_keys").path(bob.userId()).path("signatures").has(alice.userId())).isFalse();

        // A device may sign its own user's master key.
        DeviceIdentity device = uploadIdentity(bob);
        ObjectNode deviceSigned = sign(bobKeys.masterJson().deepCopy(), bob.userId(), "ed25519:" + bob.deviceId(), device.key());
        JsonNode own = ok(post(bob, "/keys/signatures/upload",
                Map.of(bob.userId(), Map.of(bobKeys.master().publicKeyBase64(), deviceSigned))));
        assertThat(own.path("failures").isEmpty()).as(own.toString()).isTrue();
        assertThat(query(carol, bob).path("master_keys").path(bob.userId()).path("signatures").path(bob.userId())
                .has("ed25519:" + bob.deviceId())).isTrue();
        // Signing a key that does not exist is a per-key failure, not an error for the whole request.
        JsonNode unknown = ok(post(alice, "/keys/signatures/upload", Map.of(bob.userId(), Map.of("nope", signedMaster))));
        assertThat(unknown.path("failures").path(bob.userId()).path("nope").path("errcode").asString()).isEqualTo("M_NOT_FOUND");
    }
}

package org.bollwerk.userdata;

import org.bollwerk.storage.Db;
import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Extended profile fields (spec v1.16): any namespaced key, m.tz, the 64 KiB limit, encrypted at rest. */
class ProfileFieldsIT extends ClientApiTestBase {
    @Autowired
    private Db db;

    private static String field(User user, String key) {
        return "/profile/" + MatrixHttp.encode(user.userId()) + "/" + key;
    }

    @Test
    void aCustomFieldIsSetReadInTheWholeProfileAndDeleted() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        ok(put(alice, field(alice, "m.tz"), Map.of("m.tz", "Europe/Berlin")));
        ok(put(alice, field(alice, "org.example.job_title"), Map.of("org.example.job_title",
                Map.of("de", "Referentin", "en", "Officer"))));

        assertThat(ok(get(bob, field(alice, "m.tz"))).path("m.tz").asString()).isEqualTo("Europe/Berlin");
        JsonNode whole = ok(get(bob, "/profile/" + MatrixHttp.encode(alice.userId())));
        assertThat(whole.path("displayname").asString()).isEqualTo("alice");
        assertThat(whole.path("org.example.job_title").path("de").asString()).isEqualTo("Referentin");

        ok(http.send("DELETE", V3 + field(alice, "org.example.job_title"), alice.token(), null));
        refused(get(bob, field(alice, "org.example.job_title")), 404, "M_NOT_FOUND");
        ok(http.send("DELETE", V3 + field(alice, "org.example.job_title"), alice.token(), null));  // already gone: 200

        ok(http.send("DELETE", V3 + field(alice, "displayname"), alice.token(), null));
        assertThat(ok(get(bob, "/profile/" + MatrixHttp.encode(alice.userId()))).has("displayname")).isFalse();
    }

    @Test
    void onlyTheOwnerChangesFieldsAndBadKeysOrValuesChangeNothing() {
        User alice = newUser("alice");
        User mallory = newUser("mallory");
        refused(put(mallory, field(alice, "m.tz"), Map.of("m.tz", "UTC")), 403, "M_FORBIDDEN");
        refused(http.send("DELETE", V3 + field(alice, "m.tz"), mallory.token(), null), 403, "M_FORBIDDEN");
        refused(put(alice, field(alice, "Not_Namespaced"), Map.of("Not_Namespaced", 1)), 400, "M_INVALID_PARAM");
        refused(put(alice, field(alice, "nodots"), Map.of("nodots", 1)), 400, "M_INVALID_PARAM");
        String longKey = "org.example." + "k".repeat(250);
        refused(put(alice, field(alice, longKey), Map.of(longKey, 1)), 400, "M_KEY_TOO_LARGE");
        refused(put(alice, field(alice, "org.example.x"), Map.of("other", 1)), 400, "M_MISSING_PARAM");
        refused(put(alice, field(alice, "m.tz"), Map.of("m.tz", 5)), 400, "M_INVALID_PARAM");
        assertThat(ok(get(alice, "/profile/" + MatrixHttp.encode(alice.userId()))).size()).isEqualTo(1);
    }

    @Test
    void theWholeProfileStaysUnder64KiB() {
        User alice = newUser("alice");
        String big = "x".repeat(40_000);
        ok(put(alice, field(alice, "org.example.first"), Map.of("org.example.first", big)));
        refused(put(alice, field(alice, "org.example.second"), Map.of("org.example.second", big)), 400, "M_PROFILE_TOO_LARGE");
        refused(get(alice, field(alice, "org.example.second")), 404, "M_NOT_FOUND");
        // replacing the large field by another large one is fine: the old value no longer counts
        ok(put(alice, field(alice, "org.example.first"), Map.of("org.example.first", big + "y")));
    }

    @Test
    void valuesAreEncryptedAtRestAndErasedWithTheAccount() {
        User alice = newUser("alice");
        String marker = "PROFILE-SECRET-" + System.nanoTime();
        ok(put(alice, field(alice, "org.example.note"), Map.of("org.example.note", marker)));
        List<String> stored = db.sql().sql("SELECT value FROM profile_fields WHERE user_id = ?").param(alice.userId())
                .query(String.class).list();
        assertThat(stored).hasSize(1);
        assertThat(stored.getFirst()).doesNotContain(marker);
        accounts.deactivate(alice.userId(), true);
        assertThat(db.sql().sql("SELECT COUNT(*) FROM profile_fields WHERE user_id = ?").param(alice.userId())
                .query(Long.class).single()).isZero();
    }

    @Test
    void capabilitiesAnnounceProfileFields() {
        User alice = newUser("alice");
        assertThat(ok(get(alice, "/capabilities")).path("capabilities").path("m.profile_fields").path("enabled")
                .asBoolean()).isTrue();
    }
}

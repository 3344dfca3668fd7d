package org.bollwerk.admin;

import org.bollwerk.keys.AtRestCipher;
import org.bollwerk.keys.KeyUnavailableException;
import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyAdminIT extends ClientApiTestBase {
    private static final String KEYS = "/_bollwerk/admin/v1/keys";

    @Autowired
    AtRestCipher cipher;

    private User admin() {
        String localpart = MatrixHttp.uniqueLocalpart("op");
        accounts.createUser("@" + localpart + ":localhost", "secret-" + localpart, "Operator", true);
        return login(localpart);
    }

    private JsonNode tenant(JsonNode status, String tenantId) {
        for (JsonNode t : status.get("tenants")) if (t.get("tenant_id").asString().equals(tenantId)) return t;
        return null;
    }

    @Test
    void onlyServerAdminsMayUseTheKeyAdminApi() {
        User user = newUser("plain");
        refused(http.get(KEYS, null), 401, "M_MISSING_TOKEN");
        refused(http.get(KEYS, "wrong-token"), 401, "M_UNKNOWN_TOKEN");
        refused(http.get(KEYS, user.token()), 403, "M_FORBIDDEN");
        refused(http.send("POST", KEYS + "/kek/rotate", user.token(), Map.of()), 403, "M_FORBIDDEN");
        refused(http.send("POST", KEYS + "/tenants/default/rotate", user.token(), Map.of()), 403, "M_FORBIDDEN");
        refused(http.send("POST", KEYS + "/tenants/default/shred", user.token(), Map.of("confirm", "default")),
                403, "M_FORBIDDEN");
    }

    @Test
    void theDefaultTenantHasADataKeyFromTheStart() {
        JsonNode status = ok(http.get(KEYS, admin().token()));
        assertThat(tenant(status, "default").get("shredded").asBoolean()).isFalse();
        assertThat(status.get("kek").get("source").asString()).contains("kek.key");
    }

    @Test
    void aRotatedDataKeyEncryptsNewDataWhileOldDataStaysReadable() {
        User op = admin();
        byte[] before = cipher.encrypt("rotating", "old value", "row-1");
        int version = ok(http.send("POST", KEYS + "/tenants/rotating/rotate", op.token(), Map.of()))
                .get("current_version").asInt();
        assertThat(version).isEqualTo(2);
        byte[] after = cipher.encrypt("rotating", "new value", "row-2");
        assertThat(new String(cipher.decrypt("rotating", before, "row-1".getBytes()), StandardCharsets.UTF_8)).isEqualTo("old value");
        assertThat(new String(cipher.decrypt("rotating", after, "row-2".getBytes()), StandardCharsets.UTF_8)).isEqualTo("new value");
        assertThat(tenant(ok(http.get(KEYS, op.token())), "rotating").get("versions").size()).isEqualTo(2);
    }

    @Test
    void rotatingTheKekRewrapsEveryDataKeyAndKeepsDataReadable() {
        User op = admin();
        byte[] value = cipher.encrypt("default", "kept", "row");
        String before = ok(http.get(KEYS, op.token())).get("kek").get("id").asString();
        JsonNode rotated = ok(http.send("POST", KEYS + "/kek/rotate", op.token(), Map.of()));
        assertThat(rotated.get("kek_id").asString()).isNotEqualTo(before);
        assertThat(rotated.get("rewrapped_keys").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(new String(cipher.decrypt("default", value, "row".getBytes()), StandardCharsets.UTF_8)).isEqualTo("kept");
    }

    @Test
    void shreddingNeedsTheTenantIdRepeatedAndMakesItsDataUnreadable() {
        User op = admin();
        byte[] value = cipher.encrypt("doomed", "to be forgotten", "row");
        refused(http.send("POST", KEYS + "/tenants/doomed/shred", op.token(), Map.of()), 400, "M_MISSING_PARAM");
        refused(http.send("POST", KEYS + "/tenants/doomed/shred", op.token(), Map.of("confirm", "other")),
                400, "M_INVALID_PARAM");
        refused(http.send("POST", KEYS + "/tenants/nobody/shred", op.token(), Map.of("confirm", "nobody")),
                404, "M_NOT_FOUND");
        assertThat(new String(cipher.decrypt("doomed", value, "row".getBytes()), StandardCharsets.UTF_8)).isNotEmpty();

        ok(http.send("POST", KEYS + "/tenants/doomed/shred", op.token(), Map.of("confirm", "doomed")));

        assertThatThrownBy(() -> cipher.decrypt("doomed", value, "row".getBytes()))
                .isInstanceOfSatisfying(KeyUnavailableException.class, e -> assertThat(e.shredded()).isTrue());
        assertThatThrownBy(() -> cipher.encrypt("doomed", "new", "row")).isInstanceOf(KeyUnavailableException.class);
        assertThat(tenant(ok(http.get(KEYS, op.token())), "doomed").get("shredded").asBoolean()).isTrue();
    }

    @Test
    void aValueOfOneTenantIsNotAcceptedAsAnothersNorForAnotherRow() {
        byte[] value = cipher.encrypt("default", "mine", "row-a");
        assertThatThrownBy(() -> cipher.decrypt("rotating", value, "row-a".getBytes())).isInstanceOf(KeyUnavailableException.class);
        assertThatThrownBy(() -> cipher.decrypt("default", value, "row-b".getBytes())).isInstanceOf(KeyUnavailableException.class);
        assertThat(cipher.decryptText(cipher.encryptText("default", "Phone of Alice", "d1"), "d1")).isEqualTo("Phone of Alice");
        assertThat(cipher.decryptText("legacy plain value", "d1")).isEqualTo("legacy plain value");
    }
}

package org.bollwerk.admin;

import org.bollwerk.tenant.TenantTestBase;
import org.bollwerk.testsupport.MatrixHttp.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.testsupport.MatrixHttp.encode;

/** Lock, deactivation and remote wipe take effect on the very next request of the affected user. */
class UserLifecycleIT extends TenantTestBase {

    private String deviceOf(String token) {
        return http.get(V3 + "/account/whoami", token).json().get("device_id").asString();
    }

    @Test
    void aLockedUsersTokenAnswersUserLockedAtOnceAndWorksAgainAfterUnlocking() {
        TenantUser user = newUser("lock", newTenant(uniqueTenantId("lock")));
        assertThat(http.send("PUT", USERS + encode(user.userId()), adminToken, Map.of("locked", true)).status())
                .isEqualTo(200);
        Response locked = http.get(V3 + "/account/whoami", user.token());
        refused(locked, 401, "M_USER_LOCKED");
        // soft_logout: true tells clients to keep their data; the session may come back.
        assertThat(locked.json().path("soft_logout").asBoolean(false)).isTrue();
        refused(http.get(V3 + "/sync?timeout=0", user.token()), 401, "M_USER_LOCKED");

        assertThat(http.send("PUT", USERS + encode(user.userId()), adminToken, Map.of("locked", false)).status())
                .isEqualTo(200);
        assertThat(http.get(V3 + "/account/whoami", user.token()).status()).isEqualTo(200);
    }

    @Test
    void deletingADeviceThroughTheAdminApiIsARemoteWipeForThatDeviceOnly() {
        TenantUser user = newUser("wipe", newTenant(uniqueTenantId("wipe")));
        String otherToken = http.login(user.userId(), "pw-" + user.userId());
        String device = deviceOf(user.token());
        Response deleted = http.send("DELETE", USERS + encode(user.userId()) + "/devices/" + encode(device), adminToken, null);
        assertThat(deleted.status()).as(deleted.text()).isEqualTo(200);

        Response next = http.get(V3 + "/account/whoami", user.token());
        refused(next, 401, "M_UNKNOWN_TOKEN");
        // soft_logout: false is what makes clients discard their local data (the remote wipe).
        assertThat(next.json().has("soft_logout")).isTrue();
        assertThat(next.json().get("soft_logout").asBoolean()).isFalse();
        assertThat(http.get(V3 + "/account/whoami", otherToken).status()).isEqualTo(200);
        assertThat(http.get(USERS + encode(user.userId()) + "/devices", adminToken).json().get("total").asInt())
                .isEqualTo(1);
    }

    @Test
    void deactivationEndsEverySessionOnTheNextRequestAndRefusesLogin() {
        TenantUser user = newUser("gone", newTenant(uniqueTenantId("gone")));
        Response deactivated = http.send("POST", "/_synapse/admin/v1/deactivate/" + encode(user.userId()), adminToken,
                Map.of("erase", true));
        assertThat(deactivated.status()).isEqualTo(200);
        refused(http.get(V3 + "/account/whoami", user.token()), 401, "M_UNKNOWN_TOKEN");
        assertThat(loginResponse(user.userId(), "pw-" + user.userId()).status()).isEqualTo(403);
    }
}

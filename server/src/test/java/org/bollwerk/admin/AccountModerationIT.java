package org.bollwerk.admin;

import org.bollwerk.tenant.TenantTestBase;
import org.bollwerk.testsupport.MatrixHttp.Response;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.testsupport.MatrixHttp.encode;

/** The client API's lock and suspend endpoints (spec v1.18) and what a suspension forbids. */
class AccountModerationIT extends TenantTestBase {
    private static final String LOCK = "/_matrix/client/v1/admin/lock/";
    private static final String SUSPEND = "/_matrix/client/v1/admin/suspend/";

    private record Org(String tenantId, String domain, TenantUser admin, TenantUser alice, TenantUser bob) {
    }

    private Org org() {
        String tenantId = uniqueTenantId("mod");
        String domain = newTenant(tenantId);
        TenantUser admin = newUser("tadmin", domain);
        ok(http.send("PUT", TENANTS + "/" + tenantId + "/roles/tenant_admin/members/" + encode(admin.userId()), adminToken, null));
        return new Org(tenantId, domain, admin, newUser("alice", domain), newUser("bob", domain));
    }

    @Test
    void aTenantAdminLocksAndUnlocksAUserOfTheTenant() {
        Org o = org();
        assertThat(ok(http.get(LOCK + encode(o.alice().userId()), o.admin().token())).path("locked").asBoolean()).isFalse();
        assertThat(ok(http.send("PUT", LOCK + encode(o.alice().userId()), o.admin().token(), Map.of("locked", true)))
                .path("locked").asBoolean()).isTrue();
        refused(http.get(V3 + "/account/whoami", o.alice().token()), 401, "M_USER_LOCKED");
        assertThat(ok(http.get(LOCK + encode(o.alice().userId()), adminToken)).path("locked").asBoolean()).isTrue();
        ok(http.send("PUT", LOCK + encode(o.alice().userId()), o.admin().token(), Map.of("locked", false)));
        ok(http.get(V3 + "/account/whoami", o.alice().token()));
    }

    @Test
    void aLockedAccountMayStillLogOutAsTheSpecSays() {
        Org o = org();
        String second = http.login(o.bob().userId(), "pw-" + o.bob().userId());
        ok(http.send("PUT", LOCK + encode(o.bob().userId()), o.admin().token(), Map.of("locked", true)));
        refused(http.send("POST", V3 + "/rooms/" + encode("!x:" + o.domain()) + "/leave", o.bob().token(), Map.of()), 401, "M_USER_LOCKED");
        ok(http.send("POST", V3 + "/logout", o.bob().token(), Map.of()));
        ok(http.send("POST", V3 + "/logout/all", second, Map.of()));
        ok(http.send("PUT", LOCK + encode(o.bob().userId()), o.admin().token(), Map.of("locked", false)));
        refused(http.get(V3 + "/account/whoami", second), 401, "M_UNKNOWN_TOKEN");
    }

    @Test
    void onlyAdminsWhoseRoleDominatesMayLockOrSuspend() {
        Org o = org();
        Org other = org();
        refused(http.get(LOCK + encode(o.bob().userId()), o.alice().token()), 403, "M_FORBIDDEN");
        refused(http.send("PUT", SUSPEND + encode(o.bob().userId()), o.alice().token(), Map.of("suspended", true)), 403, "M_FORBIDDEN");
        refused(http.send("PUT", LOCK + encode(o.bob().userId()), other.admin().token(), Map.of("locked", true)), 403, "M_FORBIDDEN");
        refused(http.get(SUSPEND + encode(o.bob().userId()), other.admin().token()), 403, "M_FORBIDDEN");
        // a tenant admin cannot lock the operator
        refused(http.send("PUT", LOCK + encode("@admin:localhost"), o.admin().token(), Map.of("locked", true)), 403, "M_FORBIDDEN");
        ok(http.get(V3 + "/account/whoami", o.bob().token()));
    }

    @Test
    void unknownRemoteAndMalformedTargetsAnswerAsTheSpecSays() {
        Org o = org();
        refused(http.get(LOCK + encode("@nobody-" + UUID.randomUUID() + ":" + o.domain()), o.admin().token()), 404, "M_NOT_FOUND");
        refused(http.get(SUSPEND + encode("@someone:elsewhere.example"), adminToken), 400, "M_INVALID_PARAM");
        refused(http.send("PUT", LOCK + encode(o.bob().userId()), o.admin().token(), Map.of("locked", "yes")), 400, "M_BAD_JSON");
        refused(http.send("PUT", SUSPEND + encode(o.bob().userId()), o.admin().token(), Map.of()), 400, "M_MISSING_PARAM");
        assertThat(ok(http.get(SUSPEND + encode(o.bob().userId()), o.admin().token())).path("suspended").asBoolean()).isFalse();
    }

    @Test
    void aSuspendedUserReadsAndLeavesButCannotSendJoinInviteOrChangeTheProfile() {
        Org o = org();
        String roomId = ok(http.send("POST", V3 + "/createRoom", o.bob().token(), Map.of("preset", "public_chat")))
                .get("room_id").asString();
        ok(http.send("POST", V3 + "/join/" + encode(roomId), o.alice().token(), Map.of()));
        String second = ok(http.send("POST", V3 + "/createRoom", o.bob().token(), Map.of("preset", "public_chat")))
                .get("room_id").asString();
        String eventId = send(o.alice(), roomId, "before").json().path("event_id").asString();

        assertThat(ok(http.send("PUT", SUSPEND + encode(o.alice().userId()), o.admin().token(), Map.of("suspended", true)))
                .path("suspended").asBoolean()).isTrue();
        assertThat(ok(http.get(SUSPEND + encode(o.alice().userId()), o.admin().token())).path("suspended").asBoolean()).isTrue();

        refused(send(o.alice(), roomId, "during"), 403, "M_USER_SUSPENDED");
        refused(http.send("POST", V3 + "/join/" + encode(second), o.alice().token(), Map.of()), 403, "M_USER_SUSPENDED");
        refused(http.send("POST", V3 + "/createRoom", o.alice().token(), Map.of()), 403, "M_USER_SUSPENDED");
        refused(http.send("POST", V3 + "/rooms/" + encode(roomId) + "/invite", o.alice().token(),
                Map.of("user_id", o.bob().userId())), 403, "M_USER_SUSPENDED");
        refused(http.send("PUT", V3 + "/profile/" + encode(o.alice().userId()) + "/displayname", o.alice().token(),
                Map.of("displayname", "Spam")), 403, "M_USER_SUSPENDED");
        refused(http.send("PUT", V3 + "/rooms/" + encode(roomId) + "/state/m.room.topic/", o.alice().token(),
                Map.of("topic", "spam")), 403, "M_USER_SUSPENDED");

        // reading, redacting their own event, leaving and signing in stay possible
        ok(http.get(V3 + "/rooms/" + encode(roomId) + "/messages?dir=b", o.alice().token()));
        ok(http.get(V3 + "/sync?timeout=0", o.alice().token()));
        ok(http.send("PUT", V3 + "/rooms/" + encode(roomId) + "/redact/" + encode(eventId) + "/r1", o.alice().token(), Map.of()));
        ok(http.send("POST", V3 + "/rooms/" + encode(roomId) + "/leave", o.alice().token(), Map.of()));
        String fresh = http.login(o.alice().userId(), "pw-" + o.alice().userId());
        refused(http.send("POST", V3 + "/join/" + encode(roomId), fresh, Map.of()), 403, "M_USER_SUSPENDED");

        ok(http.send("PUT", "/_synapse/admin/v1/suspend/" + encode(o.alice().userId()), o.admin().token(), Map.of("suspend", false)));
        ok(http.send("POST", V3 + "/join/" + encode(roomId), o.alice().token(), Map.of()));
        ok(send(o.alice(), roomId, "after"));
    }

    private Response send(TenantUser user, String roomId, String text) {
        return http.send("PUT", V3 + "/rooms/" + encode(roomId) + "/send/m.room.message/t" + UUID.randomUUID(),
                user.token(), Map.of("msgtype", "m.text", "body", text));
    }

    private static JsonNode ok(Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }
}

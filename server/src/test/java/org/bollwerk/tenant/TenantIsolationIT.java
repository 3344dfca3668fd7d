package org.bollwerk.tenant;

import org.bollwerk.testsupport.MatrixHttp.Response;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.testsupport.MatrixHttp.encode;

/** Users of different tenants do not see or reach each other unless the operator made the tenants partners. */
class TenantIsolationIT extends TenantTestBase {

    private record Pair(String tenantA, String tenantB, TenantUser alice, TenantUser bob) {
    }

    /** Two fresh tenants with one user each; {@code bob}'s display name contains {@code marker}. */
    private Pair twoTenants(String marker) {
        String a = uniqueTenantId("ta");
        String b = uniqueTenantId("tb");
        TenantUser alice = newUser("alice", newTenant(a));
        TenantUser bob = newUser("bob", newTenant(b));
        assertThat(http.send("PUT", V3 + "/profile/" + encode(bob.userId()) + "/displayname", bob.token(),
                Map.of("displayname", "Bob " + marker)).status()).isEqualTo(200);
        return new Pair(a, b, alice, bob);
    }

    private void partners(String a, String b, boolean on) {
        Response response = http.send(on ? "PUT" : "DELETE", TENANTS + "/" + a + "/partners/" + b, adminToken, null);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
    }

    private List<String> directory(TenantUser user, String term) {
        JsonNode results = http.send("POST", V3 + "/user_directory/search", user.token(), Map.of("search_term", term))
                .json().get("results");
        List<String> ids = new ArrayList<>();
        results.forEach(r -> ids.add(r.get("user_id").asString()));
        return ids;
    }

    private String createRoom(TenantUser user, Map<String, Object> body) {
        Response response = http.send("POST", V3 + "/createRoom", user.token(), body);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json().get("room_id").asString();
    }

    private List<String> joinedRooms(TenantUser user) {
        List<String> rooms = new ArrayList<>();
        http.get(V3 + "/joined_rooms", user.token()).json().get("joined_rooms").forEach(r -> rooms.add(r.asString()));
        return rooms;
    }

    private String membership(TenantUser viewer, String roomId, String userId) {
        Response state = http.get(V3 + "/rooms/" + encode(roomId) + "/state/m.room.member/" + encode(userId), viewer.token());
        return state.status() == 200 ? state.json().path("membership").asString() : null;
    }

    @Test
    void endToEndKeysOfAnotherTenantAreOutOfReachUntilTheTenantsArePartners() {
        Pair pair = twoTenants("keys");
        String bobDevice = http.get(V3 + "/account/whoami", pair.bob().token()).json().path("device_id").asString();
        Response upload = http.send("POST", V3 + "/keys/upload", pair.bob().token(), Map.of("one_time_keys",
                Map.of("curve25519:AAAAAQ", "a2V5MQ", "curve25519:AAAAAg", "a2V5Mg")));
        assertThat(upload.status()).as(upload.text()).isEqualTo(200);
        Map<String, Object> claim = Map.of("one_time_keys", Map.of(pair.bob().userId(), Map.of(bobDevice, "curve25519")));
        Map<String, Object> query = Map.of("device_keys", Map.of(pair.bob().userId(), List.of()));

        Response isolatedClaim = http.send("POST", V3 + "/keys/claim", pair.alice().token(), claim);
        assertThat(isolatedClaim.status()).isEqualTo(200);
        assertThat(isolatedClaim.json().path("one_time_keys").has(pair.bob().userId())).isFalse();
        assertThat(http.send("POST", V3 + "/keys/query", pair.alice().token(), query).json().path("device_keys")
                .has(pair.bob().userId())).isFalse();

        Response toDevice = http.send("PUT", V3 + "/sendToDevice/m.test/isolated-1", pair.alice().token(),
                Map.of("messages", Map.of(pair.bob().userId(), Map.of("*", Map.of("hello", "bob")))));
        assertThat(toDevice.status()).isEqualTo(200);
        assertThat(http.get(V3 + "/sync", pair.bob().token()).json().path("to_device").path("events").size()).isZero();

        partners(pair.tenantA(), pair.tenantB(), true);
        Response partnerClaim = http.send("POST", V3 + "/keys/claim", pair.alice().token(), claim);
        assertThat(partnerClaim.json().path("one_time_keys").path(pair.bob().userId()).path(bobDevice).size()).isEqualTo(1);
        assertThat(http.send("POST", V3 + "/keys/query", pair.alice().token(), query).json().path("device_keys")
                .has(pair.bob().userId())).isTrue();
        partners(pair.tenantA(), pair.tenantB(), false);
    }

    @Test
    void theUserDirectoryShowsOtherTenantsOnlyWhileTheyArePartners() {
        String marker = uniqueTenantId("dirmark");
        Pair p = twoTenants(marker);
        assertThat(directory(p.alice(), marker)).isEmpty();
        partners(p.tenantA(), p.tenantB(), true);
        assertThat(directory(p.alice(), marker)).containsExactly(p.bob().userId());
        partners(p.tenantA(), p.tenantB(), false);
        assertThat(directory(p.alice(), marker)).isEmpty();
    }

    @Test
    void profilesOfOtherTenantsAreForbiddenUnlessPartners() {
        Pair p = twoTenants("profile");
        String path = V3 + "/profile/" + encode(p.bob().userId());
        refused(http.get(path, p.alice().token()), 403, "M_FORBIDDEN");
        refused(http.get(path + "/displayname", p.alice().token()), 403, "M_FORBIDDEN");
        refused(http.get(path + "/avatar_url", p.alice().token()), 403, "M_FORBIDDEN");
        assertThat(http.get(path, p.bob().token()).status()).isEqualTo(200);
        partners(p.tenantA(), p.tenantB(), true);
        assertThat(http.get(path, p.alice().token()).json().get("displayname").asString()).isEqualTo("Bob profile");
    }

    @Test
    void anInviteToAnotherTenantIsRefusedUntilTheTenantsArePartners() {
        Pair p = twoTenants("invite");
        String roomId = createRoom(p.alice(), Map.of("preset", "private_chat"));
        String invite = V3 + "/rooms/" + encode(roomId) + "/invite";
        refused(http.send("POST", invite, p.alice().token(), Map.of("user_id", p.bob().userId())), 403, "M_FORBIDDEN");
        assertThat(membership(p.alice(), roomId, p.bob().userId())).isNull();

        partners(p.tenantB(), p.tenantA(), true);
        assertThat(http.send("POST", invite, p.alice().token(), Map.of("user_id", p.bob().userId())).status()).isEqualTo(200);
        assertThat(http.send("POST", V3 + "/join/" + encode(roomId), p.bob().token(), Map.of()).status()).isEqualTo(200);
        assertThat(membership(p.alice(), roomId, p.bob().userId())).isEqualTo("join");
    }

    @Test
    void createRoomWithAnInviteeOfAnotherTenantIsRefusedAndCreatesNoRoom() {
        Pair p = twoTenants("dm");
        List<String> before = joinedRooms(p.alice());
        refused(http.send("POST", V3 + "/createRoom", p.alice().token(), Map.of("is_direct", true,
                "preset", "trusted_private_chat", "invite", List.of(p.bob().userId()))), 403, "M_FORBIDDEN");
        assertThat(joinedRooms(p.alice())).isEqualTo(before);
    }

    @Test
    void aPublicRoomOfAnotherTenantCannotBeJoined() {
        Pair p = twoTenants("join");
        String roomId = createRoom(p.bob(), Map.of("preset", "public_chat"));
        refused(http.send("POST", V3 + "/join/" + encode(roomId), p.alice().token(), Map.of()), 403, "M_FORBIDDEN");
        refused(http.send("POST", V3 + "/rooms/" + encode(roomId) + "/join", p.alice().token(), Map.of()),
                403, "M_FORBIDDEN");
        assertThat(joinedRooms(p.alice())).doesNotContain(roomId);
        assertThat(membership(p.bob(), roomId, p.alice().userId())).isNull();
        partners(p.tenantA(), p.tenantB(), true);
        assertThat(http.send("POST", V3 + "/join/" + encode(roomId), p.alice().token(), Map.of()).status()).isEqualTo(200);
    }

    @Test
    void aPartnerCannotBringInAUserOfAThirdTenantThatIsNoPartnerOfTheRoomsTenant() {
        Pair p = twoTenants("third");
        String c = uniqueTenantId("tc");
        TenantUser carol = newUser("carol", newTenant(c));
        partners(p.tenantA(), p.tenantB(), true);
        partners(p.tenantB(), c, true);
        String roomId = createRoom(p.alice(), Map.of("preset", "private_chat", "invite", List.of(p.bob().userId())));
        assertThat(http.send("POST", V3 + "/join/" + encode(roomId), p.bob().token(), Map.of()).status()).isEqualTo(200);
        refused(http.send("POST", V3 + "/rooms/" + encode(roomId) + "/invite", p.bob().token(),
                Map.of("user_id", carol.userId())), 403, "M_FORBIDDEN");
        assertThat(membership(p.alice(), roomId, carol.userId())).isNull();
    }
}

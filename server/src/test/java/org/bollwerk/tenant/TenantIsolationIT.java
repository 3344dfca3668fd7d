package org.bollwerk.tenant;

import org.bollwerk.testsupport.MatrixHttp.Response;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
    void profilesOfOtherTenantsAnswerAsUnknownUsersUnlessPartners() {
        Pair p = twoTenants("profile");
        String path = V3 + "/profile/" + encode(p.bob().userId());
        refused(http.get(path, p.alice().token()), 404, "M_NOT_FOUND");
        refused(http.get(path + "/displayname", p.alice().token()), 404, "M_NOT_FOUND");
        refused(http.get(path + "/avatar_url", p.alice().token()), 404, "M_NOT_FOUND");
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

    private String send(TenantUser user, String roomId, Map<String, Object> content) {
        Response sent = http.send("PUT", V3 + "/rooms/" + encode(roomId) + "/send/m.room.message/" + UUID.randomUUID(),
                user.token(), content);
        assertThat(sent.status()).as(sent.text()).isEqualTo(200);
        return sent.json().get("event_id").asString();
    }

    private Response membershipChange(TenantUser by, String roomId, String action, String target) {
        return http.send("POST", V3 + "/rooms/" + encode(roomId) + "/" + action, by.token(),
                Map.of("user_id", target, "reason", "note from " + action));
    }

    @Test
    void worldReadableHistoryOfAnotherTenantIsReadableOnlyByItsPartners() {
        Pair p = twoTenants("wr");
        String roomId = createRoom(p.bob(), Map.of("preset", "public_chat", "initial_state", List.of(Map.of(
                "type", "m.room.history_visibility", "content", Map.of("history_visibility", "world_readable")))));
        String eventId = send(p.bob(), roomId, Map.of("msgtype", "m.text", "body", "for partners only"));
        String room = V3 + "/rooms/" + encode(roomId);
        List<String> reads = List.of(room + "/messages", room + "/context/" + encode(eventId), room + "/event/" + encode(eventId),
                room + "/state", room + "/members", "/_matrix/client/v1/rooms/" + encode(roomId) + "/threads",
                "/_matrix/client/v1/rooms/" + encode(roomId) + "/relations/" + encode(eventId));
        for (String read : reads) {
            Response response = http.get(read, p.alice().token());
            assertThat(response.status()).as(read + " " + response.text()).isIn(403, 404);
            assertThat(response.text()).doesNotContain("for partners only").doesNotContain(p.bob().userId());
        }
        TenantUser colleague = newUser("carol", p.tenantB() + ".test");
        assertThat(http.get(room + "/messages", colleague.token()).text()).contains("for partners only");
        partners(p.tenantA(), p.tenantB(), true);
        assertThat(http.get(room + "/messages", p.alice().token()).text()).contains("for partners only");
        assertThat(http.get(room + "/event/" + encode(eventId), p.alice().token()).status()).isEqualTo(200);
    }

    @Test
    void banKickUnbanAndInviteOfAUserOfAnotherTenantAreRefusedAndTheReasonNeverArrives() {
        Pair p = twoTenants("ban");
        String roomId = createRoom(p.alice(), Map.of("preset", "private_chat"));
        for (String action : List.of("ban", "kick", "unban", "invite")) {
            refused(membershipChange(p.alice(), roomId, action, p.bob().userId()), 403, "M_FORBIDDEN");
        }
        assertThat(membership(p.alice(), roomId, p.bob().userId())).isNull();
        assertThat(http.get(V3 + "/sync", p.bob().token()).text()).doesNotContain(roomId).doesNotContain("note from");
    }

    @Test
    void aMemberWhosePartnershipEndedCanStillBeRemovedButNotBannedOnceGone() {
        Pair p = twoTenants("ended");
        partners(p.tenantA(), p.tenantB(), true);
        String roomId = createRoom(p.alice(), Map.of("preset", "private_chat", "invite", List.of(p.bob().userId())));
        assertThat(http.send("POST", V3 + "/join/" + encode(roomId), p.bob().token(), Map.of()).status()).isEqualTo(200);
        partners(p.tenantA(), p.tenantB(), false);
        // Sharing the room already, the kick opens no new channel: the room's admin must be able to remove them.
        assertThat(membershipChange(p.alice(), roomId, "kick", p.bob().userId()).status()).isEqualTo(200);
        assertThat(membership(p.alice(), roomId, p.bob().userId())).isEqualTo("leave");
        refused(membershipChange(p.alice(), roomId, "ban", p.bob().userId()), 403, "M_FORBIDDEN");
        refused(membershipChange(p.alice(), roomId, "invite", p.bob().userId()), 403, "M_FORBIDDEN");
    }

    @Test
    void anAliasOfAnotherTenantAnswersAsAnUnknownAlias() {
        Pair p = twoTenants("alias");
        String name = "iso-" + UUID.randomUUID().toString().substring(0, 8);
        String roomId = createRoom(p.bob(), Map.of("preset", "public_chat", "room_alias_name", name));
        String alias = "#" + name + ":" + p.tenantB() + ".test";
        String missing = "#nope-" + name + ":" + p.tenantB() + ".test";
        for (String a : List.of(alias, missing)) {
            refused(http.get(V3 + "/directory/room/" + encode(a), p.alice().token()), 404, "M_NOT_FOUND");
            refused(http.send("POST", V3 + "/join/" + encode(a), p.alice().token(), Map.of()), 404, "M_NOT_FOUND");
            refused(http.send("DELETE", V3 + "/directory/room/" + encode(a), p.alice().token(), null), 404, "M_NOT_FOUND");
        }
        partners(p.tenantA(), p.tenantB(), true);
        assertThat(http.get(V3 + "/directory/room/" + encode(alias), p.alice().token()).text()).contains(roomId);
    }

    @Test
    void presenceAndKeysOfAnotherTenantAnswerAsForUnknownUsers() {
        Pair p = twoTenants("exists");
        String ghost = "@ghost-" + UUID.randomUUID().toString().substring(0, 8) + ":" + p.tenantB() + ".test";
        for (String user : List.of(p.bob().userId(), ghost)) {
            refused(http.get(V3 + "/presence/" + encode(user) + "/status", p.alice().token()), 404, "M_NOT_FOUND");
            refused(http.get(V3 + "/profile/" + encode(user), p.alice().token()), 404, "M_NOT_FOUND");
            Response keys = http.send("POST", V3 + "/keys/query", p.alice().token(), Map.of("device_keys", Map.of(user, List.of())));
            assertThat(keys.json().path("device_keys").has(user)).isFalse();
        }
    }

    @Test
    void registrationTokensOfAnotherTenantAnswerAsMissingOnesForItsAdmins() {
        Pair p = twoTenants("tokens");
        Response grant = http.send("PUT", TENANTS + "/" + p.tenantA() + "/roles/tenant_admin/members/"
                + encode(p.alice().userId()), adminToken, null);
        assertThat(grant.status()).as(grant.text()).isEqualTo(200);
        String token = http.send("POST", "/_synapse/admin/v1/registration_tokens/new", adminToken,
                Map.of("tenant_id", p.tenantB())).json().get("token").asString();
        String tokens = "/_synapse/admin/v1/registration_tokens/";
        for (String t : List.of(token, "no-such-" + UUID.randomUUID().toString().substring(0, 8))) {
            refused(http.get(tokens + t, p.alice().token()), 404, "M_NOT_FOUND");
            refused(http.send("PUT", tokens + t, p.alice().token(), Map.of("uses_allowed", 1)), 404, "M_NOT_FOUND");
            refused(http.send("DELETE", tokens + t, p.alice().token(), null), 404, "M_NOT_FOUND");
        }
        // A token of a disabled tenant is not valid: the validity check answers as registration would.
        String validity = "/_matrix/client/v1/register/m.login.registration_token/validity?token=";
        assertThat(http.get(validity + token, null).json().get("valid").asBoolean()).isTrue();
        assertThat(http.send("PUT", TENANTS + "/" + p.tenantB(), adminToken, Map.of("status", "disabled")).status()).isEqualTo(200);
        assertThat(http.get(validity + token, null).json().get("valid").asBoolean()).isFalse();
        http.send("PUT", TENANTS + "/" + p.tenantB(), adminToken, Map.of("status", "active"));
    }

    @Test
    void postingALearntMediaUriInOnesOwnRoomOpensNothingButASenderWhoCouldReadItShares() {
        String domain = newTenant(uniqueTenantId("media"));
        TenantUser alice = newUser("alice", domain);
        TenantUser carol = newUser("carol", domain);
        TenantUser mallory = newUser("mallory", domain);
        TenantUser mate = newUser("mate", domain);
        String secretRoom = createRoom(alice, Map.of("preset", "private_chat"));
        String mxc = uploadText(alice, "the plan");
        send(alice, secretRoom, Map.of("msgtype", "m.file", "body", "plan.txt", "url", mxc));
        refused(download(mallory, mxc), 404, "M_NOT_FOUND");

        String malloryRoom = createRoom(mallory, Map.of("preset", "private_chat", "invite", List.of(mate.userId())));
        assertThat(http.send("POST", V3 + "/join/" + encode(malloryRoom), mate.token(), Map.of()).status()).isEqualTo(200);
        send(mallory, malloryRoom, Map.of("msgtype", "m.file", "body", "plan.txt", "url", mxc));
        refused(download(mallory, mxc), 404, "M_NOT_FOUND");
        refused(download(mate, mxc), 404, "M_NOT_FOUND");

        String shared = createRoom(alice, Map.of("preset", "private_chat", "invite", List.of(carol.userId())));
        assertThat(http.send("POST", V3 + "/join/" + encode(shared), carol.token(), Map.of()).status()).isEqualTo(200);
        refused(download(carol, mxc), 404, "M_NOT_FOUND");
        send(alice, shared, Map.of("msgtype", "m.file", "body", "plan.txt", "url", mxc));
        assertThat(download(carol, mxc).text()).isEqualTo("the plan");
    }

    @Test
    void onlyMembersWithThePowerToSetTheCanonicalAliasMayPublishARoom() {
        String domain = newTenant(uniqueTenantId("publish"));
        TenantUser alice = newUser("alice", domain);
        TenantUser carol = newUser("carol", domain);
        String roomId = createRoom(alice, Map.of("preset", "public_chat"));
        assertThat(http.send("POST", V3 + "/join/" + encode(roomId), carol.token(), Map.of()).status()).isEqualTo(200);
        String list = V3 + "/directory/list/room/" + encode(roomId);
        refused(http.send("PUT", list, carol.token(), Map.of("visibility", "public")), 403, "M_FORBIDDEN");
        assertThat(http.get(list, alice.token()).json().get("visibility").asString()).isEqualTo("private");
        assertThat(http.send("PUT", list, alice.token(), Map.of("visibility", "public")).status()).isEqualTo(200);
        refused(http.send("PUT", list, carol.token(), Map.of("visibility", "private")), 403, "M_FORBIDDEN");

        Response levels = http.get(V3 + "/rooms/" + encode(roomId) + "/state/m.room.power_levels", alice.token());
        tools.jackson.databind.node.ObjectNode raised = (tools.jackson.databind.node.ObjectNode) levels.json();
        ((tools.jackson.databind.node.ObjectNode) raised.get("users")).put(carol.userId(), 50);
        assertThat(http.send("PUT", V3 + "/rooms/" + encode(roomId) + "/state/m.room.power_levels", alice.token(), raised)
                .status()).isEqualTo(200);
        assertThat(http.send("PUT", list, carol.token(), Map.of("visibility", "private")).status()).isEqualTo(200);
        assertThat(http.get(list, alice.token()).json().get("visibility").asString()).isEqualTo("private");
    }

    @Test
    void createRoomCannotClaimAnotherRoomsCanonicalAliasAsTheStateApiCannot() {
        String domain = newTenant(uniqueTenantId("claim"));
        TenantUser alice = newUser("alice", domain);
        TenantUser mallory = newUser("mallory", domain);
        String name = "official-" + UUID.randomUUID().toString().substring(0, 8);
        createRoom(alice, Map.of("preset", "public_chat", "room_alias_name", name));
        String alias = "#" + name + ":" + domain;
        List<String> before = joinedRooms(mallory);
        for (Map<String, Object> content : List.of(Map.<String, Object>of("alias", alias),
                Map.<String, Object>of("alt_aliases", List.of(alias)))) {
            refused(http.send("POST", V3 + "/createRoom", mallory.token(), Map.of("initial_state",
                    List.of(Map.of("type", "m.room.canonical_alias", "content", content)))), 400, "M_BAD_ALIAS");
        }
        assertThat(joinedRooms(mallory)).isEqualTo(before);
        String own = createRoom(mallory, Map.of());
        refused(http.send("PUT", V3 + "/rooms/" + encode(own) + "/state/m.room.canonical_alias", mallory.token(),
                Map.of("alias", alias)), 400, "M_BAD_ALIAS");
    }
}

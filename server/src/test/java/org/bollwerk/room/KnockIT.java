package org.bollwerk.room;

import org.bollwerk.tenant.TenantTestBase;
import org.bollwerk.testsupport.MatrixHttp.Response;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.testsupport.MatrixHttp.encode;

/** Knocking: asking to be let into a room whose join rule is knock, answered by an invite, a kick or a ban. */
class KnockIT extends TenantTestBase {

    private String knockRoom(TenantUser owner, String joinRule, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("preset", "private_chat", "name", "Knock here",
                "initial_state", List.of(Map.of("type", "m.room.join_rules", "content", Map.of("join_rule", joinRule)))));
        body.putAll(extra);
        return ok(http.send("POST", V3 + "/createRoom", owner.token(), body)).get("room_id").asString();
    }

    private Response knock(TenantUser user, String roomIdOrAlias, Object body) {
        return http.send("POST", V3 + "/knock/" + encode(roomIdOrAlias) + "?server_name=elsewhere.example", user.token(), body);
    }

    private JsonNode sync(TenantUser user) {
        return ok(http.get(V3 + "/sync?timeout=0", user.token()));
    }

    private String membership(TenantUser viewer, String roomId, String userId) {
        return ok(http.get(V3 + "/rooms/" + encode(roomId) + "/state/m.room.member/" + encode(userId), viewer.token()))
                .get("membership").asString();
    }

    @Test
    void aKnockShowsInTheKnockersSyncWithStrippedStateAndAnInviteLetsThemIn() {
        String domain = newTenant(uniqueTenantId("knock"));
        TenantUser alice = newUser("alice", domain);
        TenantUser bob = newUser("bob", domain);
        String roomId = knockRoom(alice, "knock", Map.of());

        assertThat(ok(knock(bob, roomId, Map.of("reason", "I am on the team"))).get("room_id").asString()).isEqualTo(roomId);

        JsonNode knocked = sync(bob).path("rooms").path("knock").path(roomId);
        assertThat(knocked.isObject()).as("rooms.knock has the room").isTrue();
        List<String> types = new java.util.ArrayList<>();
        JsonNode own = null;
        for (JsonNode event : knocked.get("knock_state").get("events")) {
            types.add(event.get("type").asString());
            if (event.get("type").asString().equals("m.room.member")) own = event;
        }
        assertThat(types).contains("m.room.create", "m.room.join_rules", "m.room.name", "m.room.member");
        assertThat(types.stream().filter("m.room.member"::equals).count()).isEqualTo(1);
        assertThat(own.get("state_key").asString()).isEqualTo(bob.userId());
        assertThat(own.get("content").get("membership").asString()).isEqualTo("knock");
        assertThat(own.get("content").get("reason").asString()).isEqualTo("I am on the team");
        assertThat(own.has("event_id")).isTrue();
        // The room's members see who knocks, so they can answer.
        assertThat(membership(alice, roomId, bob.userId())).isEqualTo("knock");
        // A knocker reads nothing of the room beyond the stripped state.
        refused(http.get(V3 + "/rooms/" + encode(roomId) + "/state", bob.token()), 403, "M_FORBIDDEN");
        refused(http.get(V3 + "/rooms/" + encode(roomId) + "/messages?dir=b", bob.token()), 403, "M_FORBIDDEN");
        // A knock is not a way in by itself.
        refused(http.send("POST", V3 + "/rooms/" + encode(roomId) + "/join", bob.token(), Map.of()), 403, "M_FORBIDDEN");

        ok(http.send("POST", V3 + "/rooms/" + encode(roomId) + "/invite", alice.token(), Map.of("user_id", bob.userId())));
        JsonNode rooms = sync(bob).path("rooms");
        assertThat(rooms.path("invite").has(roomId)).isTrue();
        assertThat(rooms.path("knock").has(roomId)).isFalse();
        ok(http.send("POST", V3 + "/rooms/" + encode(roomId) + "/join", bob.token(), Map.of()));
        assertThat(membership(alice, roomId, bob.userId())).isEqualTo("join");
    }

    @Test
    void knockingWorksByAliasAndOnKnockRestrictedRoomsButNotWhereTheJoinRuleSaysOtherwise() {
        String domain = newTenant(uniqueTenantId("knockr"));
        TenantUser alice = newUser("alice", domain);
        TenantUser bob = newUser("bob", domain);
        String aliasName = "door-" + UUID.randomUUID().toString().substring(0, 8);
        String byAlias = knockRoom(alice, "knock", Map.of("room_alias_name", aliasName));
        assertThat(ok(knock(bob, "#" + aliasName + ":" + domain, null)).get("room_id").asString()).isEqualTo(byAlias);

        ok(knock(bob, knockRoom(alice, "knock_restricted", Map.of()), Map.of()));
        refused(knock(bob, knockRoom(alice, "invite", Map.of()), Map.of()), 403, "M_FORBIDDEN");
        refused(knock(bob, knockRoom(alice, "public", Map.of()), Map.of()), 403, "M_FORBIDDEN");
        // Those already in the room cannot knock.
        refused(knock(alice, byAlias, Map.of()), 403, "M_FORBIDDEN");
        refused(knock(bob, "!unknown:" + domain, Map.of()), 404, "M_NOT_FOUND");
    }

    @Test
    void leavingRetractsAKnockAndAKickOrBanDeniesIt() {
        String domain = newTenant(uniqueTenantId("knockd"));
        TenantUser alice = newUser("alice", domain);
        TenantUser bob = newUser("bob", domain);
        String roomId = knockRoom(alice, "knock", Map.of());

        ok(knock(bob, roomId, Map.of()));
        ok(http.send("POST", V3 + "/rooms/" + encode(roomId) + "/leave", bob.token(), Map.of()));
        assertThat(membership(alice, roomId, bob.userId())).isEqualTo("leave");

        ok(knock(bob, roomId, Map.of()));
        ok(http.send("POST", V3 + "/rooms/" + encode(roomId) + "/kick", alice.token(),
                Map.of("user_id", bob.userId(), "reason", "not now")));
        assertThat(membership(alice, roomId, bob.userId())).isEqualTo("leave");
        assertThat(sync(bob).path("rooms").path("knock").has(roomId)).isFalse();

        ok(knock(bob, roomId, Map.of()));
        ok(http.send("POST", V3 + "/rooms/" + encode(roomId) + "/ban", alice.token(), Map.of("user_id", bob.userId())));
        refused(knock(bob, roomId, Map.of()), 403, "M_FORBIDDEN");
    }

    @Test
    void aUserOfAnotherOrganisationCannotKnockUnlessTheOrganisationsArePartners() {
        String tenantA = uniqueTenantId("ka");
        String tenantB = uniqueTenantId("kb");
        String domainA = newTenant(tenantA);
        TenantUser alice = newUser("alice", domainA);
        TenantUser mallory = newUser("mallory", newTenant(tenantB));
        String roomId = knockRoom(alice, "knock", Map.of());

        // The same answer as joining gets from the isolation policy; nothing is written into the room.
        refused(knock(mallory, roomId, Map.of()), 403, "M_FORBIDDEN");
        refused(http.send("POST", V3 + "/join/" + encode(roomId), mallory.token(), Map.of()), 403, "M_FORBIDDEN");
        refused(http.get(V3 + "/rooms/" + encode(roomId) + "/state/m.room.member/" + encode(mallory.userId()),
                alice.token()), 404, "M_NOT_FOUND");

        ok(http.send("PUT", TENANTS + "/" + tenantA + "/partners/" + tenantB, adminToken, null));
        ok(knock(mallory, roomId, Map.of()));
        assertThat(membership(alice, roomId, mallory.userId())).isEqualTo("knock");
    }

    private static JsonNode ok(Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }
}

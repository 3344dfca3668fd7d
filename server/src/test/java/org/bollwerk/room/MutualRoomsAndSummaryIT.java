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

/** Rooms in common (MSC2666) and room summaries (MSC3266), within one organisation and across two. */
class MutualRoomsAndSummaryIT extends TenantTestBase {
    private static final String MUTUAL = "/_matrix/client/unstable/uk.half-shot.msc2666/user/mutual_rooms?user_id=";
    private static final String SUMMARY = "/_matrix/client/v1/room_summary/";

    @Test
    void mutualRoomsListsOnlyRoomsBothAreJoinedTo() {
        String domain = newTenant(uniqueTenantId("mut"));
        TenantUser alice = newUser("alice", domain);
        TenantUser bob = newUser("bob", domain);
        String shared = room(alice, Map.of("preset", "public_chat"));
        join(bob, shared);
        String aliceOnly = room(alice, Map.of("preset", "public_chat"));
        String invitedOnly = room(alice, Map.of("preset", "private_chat", "invite", List.of(bob.userId())));
        String left = room(alice, Map.of("preset", "public_chat"));
        join(bob, left);
        ok(http.send("POST", V3 + "/rooms/" + encode(left) + "/leave", bob.token(), Map.of()));

        JsonNode joined = ok(http.get(MUTUAL + encode(bob.userId()), alice.token())).get("joined");
        assertThat(joined).hasSize(1);
        assertThat(joined.get(0).asString()).isEqualTo(shared);
        assertThat(ok(http.get(MUTUAL + encode(alice.userId()), bob.token())).get("joined").get(0).asString()).isEqualTo(shared);
        assertThat(List.of(aliceOnly, invitedOnly)).doesNotContain(joined.get(0).asString());

        assertThat(http.get(MUTUAL + encode(alice.userId()), alice.token()).status()).isEqualTo(422);
        refused(http.get(MUTUAL + "not-a-user", alice.token()), 400, "M_INVALID_PARAM");
        refused(http.get(MUTUAL.replace("?user_id=", ""), alice.token()), 400, "M_MISSING_PARAM");
    }

    @Test
    void theStablePathOfV1_19AnswersAlikeAndRefusesBadOrOwnUserIdsAsInvalid() {
        String domain = newTenant(uniqueTenantId("mus"));
        TenantUser alice = newUser("alice", domain);
        TenantUser bob = newUser("bob", domain);
        String shared = room(alice, Map.of("preset", "public_chat"));
        join(bob, shared);
        String stable = "/_matrix/client/v1/mutual_rooms?user_id=";
        assertThat(ok(http.get(stable + encode(bob.userId()), alice.token())).get("joined").get(0).asString()).isEqualTo(shared);
        assertThat(ok(http.get(stable + encode("@nobody:" + domain), alice.token())).get("joined")).isEmpty();
        refused(http.get(stable + encode(alice.userId()), alice.token()), 400, "M_INVALID_PARAM");
        refused(http.get(stable + "not-a-user", alice.token()), 400, "M_INVALID_PARAM");
        refused(http.get(stable.replace("?user_id=", ""), alice.token()), 400, "M_INVALID_PARAM");
    }

    @Test
    void anotherOrganisationsUserSharesNoRoomsUnlessTheOrganisationsArePartners() {
        String tenantA = uniqueTenantId("ma");
        String tenantB = uniqueTenantId("mb");
        TenantUser alice = newUser("alice", newTenant(tenantA));
        TenantUser bob = newUser("bob", newTenant(tenantB));
        // While partners, they share a room; once no longer partners, the room stays but is not revealed.
        ok(http.send("PUT", TENANTS + "/" + tenantA + "/partners/" + tenantB, adminToken, null));
        String shared = room(alice, Map.of("preset", "private_chat", "invite", List.of(bob.userId())));
        join(bob, shared);
        assertThat(ok(http.get(MUTUAL + encode(bob.userId()), alice.token())).get("joined")).hasSize(1);
        ok(http.send("DELETE", TENANTS + "/" + tenantA + "/partners/" + tenantB, adminToken, null));

        Response existing = http.get(MUTUAL + encode(bob.userId()), alice.token());
        String ghost = "@ghost-" + UUID.randomUUID().toString().substring(0, 8) + ":" + tenantB + ".test";
        Response missing = http.get(MUTUAL + encode(ghost), alice.token());
        assertThat(ok(existing).get("joined")).isEmpty();
        assertThat(existing.text()).isEqualTo(missing.text());
    }

    @Test
    void summaryShowsAPublicRoomAndItsDetailsByIdAndAlias() {
        String domain = newTenant(uniqueTenantId("sum"));
        TenantUser alice = newUser("alice", domain);
        TenantUser bob = newUser("bob", domain);
        String aliasName = "lobby-" + UUID.randomUUID().toString().substring(0, 8);
        String roomId = room(alice, Map.of("preset", "public_chat", "name", "Lobby", "topic", "Hello all",
                "room_alias_name", aliasName, "creation_content", Map.of("type", "m.space"),
                "initial_state", List.of(Map.of("type", "m.room.encryption", "content",
                        Map.of("algorithm", "m.megolm.v1.aes-sha2")))));
        String alias = "#" + aliasName + ":" + domain;

        JsonNode summary = ok(http.get(SUMMARY + encode(alias), bob.token()));
        assertThat(summary.get("room_id").asString()).isEqualTo(roomId);
        assertThat(summary.get("name").asString()).isEqualTo("Lobby");
        assertThat(summary.get("topic").asString()).isEqualTo("Hello all");
        assertThat(summary.get("canonical_alias").asString()).isEqualTo(alias);
        assertThat(summary.get("num_joined_members").asInt()).isEqualTo(1);
        assertThat(summary.get("join_rule").asString()).isEqualTo("public");
        assertThat(summary.get("room_type").asString()).isEqualTo("m.space");
        assertThat(summary.get("encryption").asString()).isEqualTo("m.megolm.v1.aes-sha2");
        assertThat(summary.get("world_readable").asBoolean()).isFalse();
        assertThat(summary.get("guest_can_join").asBoolean()).isFalse();
        assertThat(summary.has("membership")).isFalse();

        join(bob, roomId);
        JsonNode unstable = ok(http.get("/_matrix/client/unstable/im.nheko.summary/rooms/" + encode(roomId) + "/summary",
                bob.token()));
        assertThat(unstable.get("membership").asString()).isEqualTo("join");
        assertThat(unstable.get("num_joined_members").asInt()).isEqualTo(2);
    }

    @Test
    void privateRoomsAndOtherOrganisationsRoomsAnswerLikeUnknownRooms() {
        String tenantA = uniqueTenantId("sa");
        String tenantB = uniqueTenantId("sb");
        String domainA = newTenant(tenantA);
        String domainB = newTenant(tenantB);
        TenantUser alice = newUser("alice", domainA);
        TenantUser carol = newUser("carol", domainA);
        TenantUser mallory = newUser("mallory", domainB);
        String privateRoom = room(alice, Map.of("preset", "private_chat", "name", "Secret"));
        String aliasName = "pub-" + UUID.randomUUID().toString().substring(0, 8);
        String publicRoom = room(alice, Map.of("preset", "public_chat", "name", "Public", "room_alias_name", aliasName));
        Response unknown = http.get(SUMMARY + encode("!nothere:" + domainA), carol.token());
        refused(unknown, 404, "M_NOT_FOUND");

        assertThat(http.get(SUMMARY + encode(privateRoom), carol.token()).text()).isEqualTo(unknown.text());
        assertThat(http.get(SUMMARY + encode(publicRoom), mallory.token()).text()).isEqualTo(unknown.text());
        Response foreignAlias = http.get(SUMMARY + encode("#" + aliasName + ":" + domainA), mallory.token());
        Response ghostAlias = http.get(SUMMARY + encode("#ghost-" + aliasName + ":" + domainA), mallory.token());
        refused(foreignAlias, 404, "M_NOT_FOUND");
        assertThat(foreignAlias.text()).isEqualTo(ghostAlias.text()).isEqualTo(unknown.text());

        // An invitee sees the private room's summary; a partner organisation sees the public one.
        ok(http.send("POST", V3 + "/rooms/" + encode(privateRoom) + "/invite", alice.token(), Map.of("user_id", carol.userId())));
        JsonNode invited = ok(http.get(SUMMARY + encode(privateRoom), carol.token()));
        assertThat(invited.get("name").asString()).isEqualTo("Secret");
        assertThat(invited.get("membership").asString()).isEqualTo("invite");
        ok(http.send("PUT", TENANTS + "/" + tenantA + "/partners/" + tenantB, adminToken, null));
        assertThat(ok(http.get(SUMMARY + encode(publicRoom), mallory.token())).get("name").asString()).isEqualTo("Public");
        ok(http.send("DELETE", TENANTS + "/" + tenantA + "/partners/" + tenantB, adminToken, null));
        refused(http.get(SUMMARY + "not-a-room", carol.token()), 400, "M_INVALID_PARAM");
    }

    private String room(TenantUser owner, Map<String, Object> body) {
        return ok(http.send("POST", V3 + "/createRoom", owner.token(), body)).get("room_id").asString();
    }

    private void join(TenantUser user, String roomId) {
        ok(http.send("POST", V3 + "/rooms/" + encode(roomId) + "/join", user.token(), Map.of()));
    }

    private static JsonNode ok(Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }
}

package org.bollwerk.room;

import org.bollwerk.tenant.TenantTestBase;
import org.bollwerk.testsupport.MatrixHttp.Response;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.testsupport.MatrixHttp.encode;

/** {@code GET /v1/rooms/{roomId}/hierarchy}: which rooms of a space a user is shown, across organisations too. */
class SpaceHierarchyIT extends TenantTestBase {

    @Test
    void listsTheSpacesRoomsTheUserMaySeeWithTheirSummaryAndPaging() {
        String tenantA = uniqueTenantId("spa");
        String tenantB = uniqueTenantId("spb");
        String domain = newTenant(tenantA);
        String domainB = newTenant(tenantB);
        TenantUser alice = newUser("alice", domain);
        TenantUser bob = newUser("bob", domain);
        TenantUser mallory = newUser("mallory", domainB);
        String space = create(alice, Map.of("preset", "public_chat", "name", "Company",
                "creation_content", Map.of("type", "m.space")));
        String lobby = create(alice, Map.of("preset", "public_chat", "name", "Lobby", "topic", "Say hi"));
        String board = create(alice, Map.of("preset", "private_chat", "name", "Board"));
        String staff = create(alice, Map.of("preset", "private_chat", "name", "Staff", "initial_state", List.of(
                Map.of("type", "m.room.join_rules", "content", Map.of("join_rule", "restricted",
                        "allow", List.of(Map.of("type", "m.room_membership", "room_id", space)))))));
        String team = create(alice, Map.of("preset", "public_chat", "name", "Team space",
                "creation_content", Map.of("type", "m.space")));
        String teamRoom = create(alice, Map.of("preset", "public_chat", "name", "Team room"));
        String foreign = create(mallory, Map.of("preset", "public_chat", "name", "Foreign"));
        child(alice, space, lobby, "a", true);
        child(alice, space, board, "b", false);
        child(alice, space, staff, "c", false);
        child(alice, space, team, "d", false);
        child(alice, space, foreign, "e", false);
        child(alice, team, teamRoom, null, false);

        JsonNode rooms = hierarchy(bob, space, "").get("rooms");
        assertThat(ids(rooms)).containsExactly(space, lobby, team, teamRoom);
        JsonNode root = rooms.get(0);
        assertThat(root.get("room_type").asString()).isEqualTo("m.space");
        assertThat(root.get("name").asString()).isEqualTo("Company");
        assertThat(root.get("join_rule").asString()).isEqualTo("public");
        assertThat(root.get("num_joined_members").asInt()).isEqualTo(1);
        assertThat(root.get("world_readable").asBoolean()).isFalse();
        assertThat(root.get("guest_can_join").asBoolean()).isFalse();
        JsonNode childrenState = root.get("children_state");
        assertThat(childrenState).hasSize(5);  // children the user cannot see keep their child event
        assertThat(childrenState.get(0).get("state_key").asString()).isEqualTo(lobby);  // ordered by "order"
        assertThat(childrenState.get(0).get("type").asString()).isEqualTo("m.space.child");
        assertThat(childrenState.get(0).has("origin_server_ts")).isTrue();
        assertThat(childrenState.get(0).has("event_id")).isFalse();
        assertThat(rooms.get(1).get("topic").asString()).isEqualTo("Say hi");
        assertThat(rooms.get(1).get("children_state")).isEmpty();

        // joining the space lets bob see the room restricted to its members
        ok(http.send("POST", V3 + "/rooms/" + encode(space) + "/join", bob.token(), Map.of()));
        JsonNode afterJoin = hierarchy(bob, space, "").get("rooms");
        assertThat(ids(afterJoin)).containsExactly(space, lobby, staff, team, teamRoom);
        assertThat(afterJoin.get(2).get("join_rule").asString()).isEqualTo("restricted");
        assertThat(afterJoin.get(2).get("allowed_room_ids").get(0).asString()).isEqualTo(space);
        assertThat(afterJoin.get(0).get("membership").asString()).isEqualTo("join");

        assertThat(ids(hierarchy(bob, space, "?suggested_only=true").get("rooms"))).containsExactly(space, lobby);
        assertThat(ids(hierarchy(bob, space, "?max_depth=1").get("rooms"))).containsExactly(space, lobby, staff, team);
        assertThat(ids(hierarchy(bob, space, "?max_depth=0").get("rooms"))).containsExactly(space);
        // alice sees the private room she is in; the other organisation's room only once it is a partner
        assertThat(ids(hierarchy(alice, space, "").get("rooms"))).containsExactly(space, lobby, board, staff, team, teamRoom);
        ok(http.send("PUT", TENANTS + "/" + tenantA + "/partners/" + tenantB, adminToken, null));
        assertThat(ids(hierarchy(alice, space, "").get("rooms"))).contains(foreign);
        ok(http.send("DELETE", TENANTS + "/" + tenantA + "/partners/" + tenantB, adminToken, null));

        List<String> paged = new ArrayList<>();
        String query = "?limit=2";
        for (int page = 0; page < 5; page++) {
            JsonNode body = hierarchy(bob, space, query);
            paged.addAll(ids(body.get("rooms")));
            if (!body.has("next_batch")) break;
            query = "?limit=2&from=" + encode(body.get("next_batch").asString());
        }
        assertThat(paged).containsExactly(space, lobby, staff, team, teamRoom);
        refused(http.get(path(space) + "?from=forged", bob.token()), 400, "M_INVALID_PARAM");
        String otherWalk = hierarchy(bob, space, "?limit=1").get("next_batch").asString();
        refused(http.get(path(space) + "?max_depth=1&from=" + encode(otherWalk), bob.token()), 400, "M_INVALID_PARAM");
        refused(http.get(path(space) + "?limit=0", bob.token()), 400, "M_INVALID_PARAM");
        refused(http.get(path(space) + "?suggested_only=yes", bob.token()), 400, "M_INVALID_PARAM");
    }

    @Test
    void aSpaceTheUserMayNotSeeAnswersLikeAnUnknownRoom() {
        String domainA = newTenant(uniqueTenantId("hsa"));
        String domainB = newTenant(uniqueTenantId("hsb"));
        TenantUser alice = newUser("alice", domainA);
        TenantUser carol = newUser("carol", domainA);
        TenantUser mallory = newUser("mallory", domainB);
        String publicSpace = create(alice, Map.of("preset", "public_chat", "creation_content", Map.of("type", "m.space")));
        String privateSpace = create(alice, Map.of("preset", "private_chat", "creation_content", Map.of("type", "m.space")));

        Response unknown = http.get(path("!nothere:" + domainA), mallory.token());
        refused(unknown, 403, "M_FORBIDDEN");
        assertThat(http.get(path(publicSpace), mallory.token()).text()).isEqualTo(unknown.text());
        assertThat(http.get(path(privateSpace), carol.token()).text()).isEqualTo(unknown.text());
        assertThat(ids(hierarchy(carol, publicSpace, "").get("rooms"))).containsExactly(publicSpace);
        refused(http.get(path("not-a-room"), carol.token()), 400, "M_INVALID_PARAM");
    }

    private String create(TenantUser owner, Map<String, Object> body) {
        return ok(http.send("POST", V3 + "/createRoom", owner.token(), body)).get("room_id").asString();
    }

    private void child(TenantUser owner, String space, String child, String order, boolean suggested) {
        Map<String, Object> content = new java.util.HashMap<>(Map.of("via", List.of("localhost"), "suggested", suggested));
        if (order != null) content.put("order", order);
        ok(http.send("PUT", V3 + "/rooms/" + encode(space) + "/state/m.space.child/" + encode(child), owner.token(), content));
    }

    private JsonNode hierarchy(TenantUser user, String roomId, String query) {
        return ok(http.get(path(roomId) + query, user.token()));
    }

    private static String path(String roomId) {
        return "/_matrix/client/v1/rooms/" + encode(roomId) + "/hierarchy";
    }

    private static List<String> ids(JsonNode rooms) {
        List<String> ids = new ArrayList<>();
        for (JsonNode room : rooms) ids.add(room.get("room_id").asString());
        return ids;
    }

    private static JsonNode ok(Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }
}

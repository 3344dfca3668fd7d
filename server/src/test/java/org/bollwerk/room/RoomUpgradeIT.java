package org.bollwerk.room;

import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Room upgrades: a replacement room with the old room's state, aliases and bans, and a tombstone in the old. */
class RoomUpgradeIT extends ClientApiTestBase {

    private JsonNode state(User user, String roomId, String type) {
        return ok(get(user, room(roomId) + "/state/" + type + "/"));
    }

    private MatrixHttp.Response upgrade(User user, String roomId, String version) {
        return post(user, room(roomId) + "/upgrade", Map.of("new_version", version));
    }

    @Test
    void anUpgradeCarriesStateAliasesBansAndListingOverAndTombstonesTheOldRoom() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        User eve = newUser("eve");
        String aliasName = "upg-" + UUID.randomUUID().toString().substring(0, 8);
        String alias = "#" + aliasName + ":localhost";
        String oldRoom = createRoom(alice, Map.of("preset", "public_chat", "visibility", "public", "name", "Team",
                "topic", "Our topic", "room_alias_name", aliasName, "creation_content", Map.of("m.federate", false),
                "initial_state", List.of(Map.of("type", "m.room.history_visibility",
                        "content", Map.of("history_visibility", "joined")))));
        ok(post(bob, "/join/" + MatrixHttp.encode(oldRoom), Map.of()));
        ok(post(eve, "/join/" + MatrixHttp.encode(oldRoom), Map.of()));
        ok(post(alice, room(oldRoom) + "/ban", Map.of("user_id", eve.userId(), "reason", "spam")));
        JsonNode oldLevels = state(alice, oldRoom, "m.room.power_levels");

        String newRoom = ok(upgrade(alice, oldRoom, "11")).get("replacement_room").asString();
        assertThat(newRoom).startsWith("!").isNotEqualTo(oldRoom);

        JsonNode create = state(alice, newRoom, "m.room.create");
        assertThat(create.get("room_version").asString()).isEqualTo("11");
        assertThat(create.get("predecessor").get("room_id").asString()).isEqualTo(oldRoom);
        assertThat(create.get("m.federate").asBoolean(true)).isFalse();
        assertThat(state(alice, newRoom, "m.room.name").get("name").asString()).isEqualTo("Team");
        assertThat(state(alice, newRoom, "m.room.topic").get("topic").asString()).isEqualTo("Our topic");
        assertThat(state(alice, newRoom, "m.room.join_rules").get("join_rule").asString()).isEqualTo("public");
        assertThat(state(alice, newRoom, "m.room.history_visibility").get("history_visibility").asString())
                .isEqualTo("joined");
        assertThat(state(alice, newRoom, "m.room.power_levels")).isEqualTo(oldLevels);
        assertThat(ok(get(alice, room(newRoom) + "/state/m.room.member/" + MatrixHttp.encode(eve.userId())))
                .get("membership").asString()).isEqualTo("ban");
        refused(post(eve, "/join/" + MatrixHttp.encode(newRoom), Map.of()), 403, "M_FORBIDDEN");

        // The alias, the canonical alias and the directory listing moved to the new room.
        assertThat(ok(get(bob, "/directory/room/" + MatrixHttp.encode(alias))).get("room_id").asString()).isEqualTo(newRoom);
        assertThat(state(alice, newRoom, "m.room.canonical_alias").get("alias").asString()).isEqualTo(alias);
        assertThat(state(alice, oldRoom, "m.room.canonical_alias").has("alias")).isFalse();
        assertThat(ok(get(bob, "/directory/list/room/" + MatrixHttp.encode(newRoom))).get("visibility").asString())
                .isEqualTo("public");
        assertThat(ok(get(bob, "/directory/list/room/" + MatrixHttp.encode(oldRoom))).get("visibility").asString())
                .isEqualTo("private");

        // The old room: a tombstone, and ordinary members can no longer write or invite there.
        JsonNode tombstone = state(bob, oldRoom, "m.room.tombstone");
        assertThat(tombstone.get("replacement_room").asString()).isEqualTo(newRoom);
        JsonNode restricted = state(alice, oldRoom, "m.room.power_levels");
        assertThat(restricted.get("events_default").asInt()).isEqualTo(50);
        assertThat(restricted.get("invite").asInt()).isEqualTo(50);
        refused(send(bob, oldRoom, "still here?"), 403, "M_FORBIDDEN");
        // Others follow by joining the replacement.
        ok(post(bob, "/join/" + MatrixHttp.encode(newRoom), Map.of()));
        ok(send(bob, newRoom, "hello in the new room"));
    }

    @Test
    void aModeratorWithThePowerToTombstoneUpgradesWithATemporaryRaiseThatIsSetBack() {
        User alice = newUser("alice");
        User mod = newUser("mod");
        String oldRoom = createRoom(alice, Map.of("preset", "private_chat", "invite", List.of(mod.userId()),
                "power_level_content_override", Map.of("users", Map.of(alice.userId(), 100, mod.userId(), 50),
                        "events", Map.of("m.room.tombstone", 50, "m.room.power_levels", 100,
                                "m.room.history_visibility", 100, "m.room.encryption", 100))));
        ok(post(mod, "/join/" + MatrixHttp.encode(oldRoom), Map.of()));
        JsonNode oldLevels = state(alice, oldRoom, "m.room.power_levels");

        String newRoom = ok(upgrade(mod, oldRoom, "10")).get("replacement_room").asString();
        JsonNode create = state(mod, newRoom, "m.room.create");
        assertThat(create.get("creator").asString()).isEqualTo(mod.userId());
        assertThat(create.get("room_version").asString()).isEqualTo("10");
        // State that needs 100 was copied by the moderator (level 50), and the levels end as they were.
        assertThat(state(mod, newRoom, "m.room.history_visibility").get("history_visibility").asString())
                .isEqualTo("shared");
        assertThat(state(mod, newRoom, "m.room.encryption").get("algorithm").asString()).isEqualTo("m.megolm.v1.aes-sha2");
        assertThat(state(mod, newRoom, "m.room.power_levels")).isEqualTo(oldLevels);
        assertThat(state(mod, newRoom, "m.room.power_levels").get("users").get(mod.userId()).asInt()).isEqualTo(50);
        // The moderator could not change the old room's power levels (needs 100), so they stay.
        assertThat(state(alice, oldRoom, "m.room.power_levels")).isEqualTo(oldLevels);
    }

    @Test
    void upgradesNeedThePowerToTombstoneAndAVersionThisServerSupports() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        User eve = newUser("eve");
        String roomId = createRoom(alice, Map.of("preset", "public_chat"));
        ok(post(bob, "/join/" + MatrixHttp.encode(roomId), Map.of()));

        refused(upgrade(bob, roomId, "11"), 403, "M_FORBIDDEN");
        refused(upgrade(eve, roomId, "11"), 403, "M_FORBIDDEN");
        refused(upgrade(alice, roomId, "9"), 400, "M_UNSUPPORTED_ROOM_VERSION");
        refused(upgrade(alice, roomId, "org.example.custom"), 400, "M_UNSUPPORTED_ROOM_VERSION");
        refused(post(alice, room(roomId) + "/upgrade", Map.of()), 400, "M_MISSING_PARAM");
        // Nothing changed: no tombstone.
        assertThat(get(alice, room(roomId) + "/state/m.room.tombstone/").status()).isEqualTo(404);
    }
}

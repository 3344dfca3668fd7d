package org.bollwerk.userdata;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class RoomTagsIT extends UserdataTestBase {
    private static final String ROOM = "!tagged:localhost";

    private static String tags(User user, String roomId) {
        return "/_matrix/client/v3/user/" + enc(user.userId()) + "/rooms/" + enc(roomId) + "/tags";
    }

    @Test
    void tagsAreSetListedAndRemovedAndShowAsRoomAccountData() {
        User alice = newUser("tags");
        assertThat(get(alice, tags(alice, ROOM)).assertOk().body()).isEqualTo(object("{\"tags\":{}}"));
        put(alice, tags(alice, ROOM) + "/m.favourite", "{\"order\":0.25}").assertOk();
        put(alice, tags(alice, ROOM) + "/u.work", "{}").assertOk();
        assertThat(get(alice, tags(alice, ROOM)).assertOk().body())
                .isEqualTo(object("{\"tags\":{\"m.favourite\":{\"order\":0.25},\"u.work\":{}}}"));
        // What /sync hands to clients as the room's m.tag account data
        assertThat(get(alice, "/_matrix/client/v3/user/" + enc(alice.userId()) + "/rooms/" + enc(ROOM)
                + "/account_data/m.tag").assertOk().body())
                .isEqualTo(object("{\"tags\":{\"m.favourite\":{\"order\":0.25},\"u.work\":{}}}"));

        delete(alice, tags(alice, ROOM) + "/m.favourite").assertOk();
        delete(alice, tags(alice, ROOM) + "/never-set").assertOk();
        assertThat(get(alice, tags(alice, ROOM)).assertOk().body()).isEqualTo(object("{\"tags\":{\"u.work\":{}}}"));
    }

    @Test
    void concurrentTagChangesFromTwoDevicesAllLand() {
        User bob = newUser("tags");
        List<CompletableFuture<Response>> puts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String tag = "u.t" + i;
            puts.add(CompletableFuture.supplyAsync(() -> put(bob, tags(bob, ROOM) + "/" + tag, "{}")));
        }
        puts.forEach(f -> f.join().assertOk());
        assertThat(get(bob, tags(bob, ROOM)).assertOk().body().get("tags").size()).isEqualTo(20);
    }

    @Test
    void badTagsAndOtherUsersAreRefusedAndChangeNothing() {
        User carol = newUser("tags");
        User dave = newUser("tags");
        put(carol, tags(carol, ROOM) + "/m.lowpriority", "{\"order\":0.5}").assertOk();
        put(carol, tags(carol, ROOM) + "/m.favourite", "{\"order\":2}").assertError(400, "M_INVALID_PARAM");
        put(carol, tags(carol, ROOM) + "/m.favourite", "{\"order\":\"high\"}").assertError(400, "M_INVALID_PARAM");
        put(carol, tags(carol, ROOM) + "/" + "x".repeat(256), "{}").assertError(400, "M_INVALID_PARAM");
        put(carol, tags(carol, ROOM) + "/m.favourite", "[1]").assertError(400, "M_BAD_JSON");
        put(carol, tags(carol, "not-a-room") + "/m.favourite", "{}").assertError(400, "M_INVALID_PARAM");
        put(dave, tags(carol, ROOM) + "/m.favourite", "{}").assertError(403, "M_FORBIDDEN");
        get(dave, tags(carol, ROOM)).assertError(403, "M_FORBIDDEN");
        delete(dave, tags(carol, ROOM) + "/m.lowpriority").assertError(403, "M_FORBIDDEN");
        assertThat(get(carol, tags(carol, ROOM)).assertOk().body())
                .isEqualTo(object("{\"tags\":{\"m.lowpriority\":{\"order\":0.5}}}"));
    }
}

package org.bollwerk.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoomLayoutTest {

    @Test
    void everyUserIsInExactlyOneSmallRoomPlusTheRoomWithEverybody() {
        for (int users : new int[] {2, 3, 4, 5, 7, 1000}) {
            List<RoomLayout.Room> rooms = RoomLayout.build(users, 5, 50, 6);
            int[] small = new int[users];
            int large = 0;
            int all = 0;
            for (RoomLayout.Room r : rooms) {
                switch (r.kind()) {
                    case SMALL -> {
                        assertTrue(r.members().length >= 2 && r.members().length <= 4, "small room of " + r.members().length);
                        for (int m : r.members()) {
                            small[m]++;
                        }
                    }
                    case LARGE -> {
                        large++;
                        assertEquals(Math.min(50, users), r.members().length);
                        assertEquals(r.members().length, java.util.Arrays.stream(r.members()).distinct().count());
                    }
                    case ALL -> {
                        all++;
                        assertEquals(users, r.members().length);
                    }
                }
            }
            for (int u = 0; u < users; u++) {
                assertEquals(1, small[u], "user " + u + " of " + users);
            }
            assertEquals(1, all);
            assertEquals(users > 3 ? 5 : 0, large);
        }
    }

    @Test
    void mostRoomsAreSmallAtAThousandUsers() {
        List<RoomLayout.Room> rooms = RoomLayout.build(1000, 5, 50, 6);
        long small = rooms.stream().filter(r -> r.kind() == RoomLayout.Kind.SMALL).count();
        assertTrue(small > 0.95 * rooms.size(), small + " of " + rooms.size());
    }
}

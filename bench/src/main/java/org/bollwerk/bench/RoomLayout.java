package org.bollwerk.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Who is in which room for the multi-user scenarios. Every user is in one small room of 2 or 3 members (a
 * direct chat or a small team); a few large rooms of {@code largeSize} random members; one room with
 * everybody. Deterministic for a seed, so runs are comparable.
 */
final class RoomLayout {

    enum Kind { SMALL, LARGE, ALL }

    record Room(Kind kind, int[] members) {
    }

    private RoomLayout() {
    }

    static List<Room> build(int users, int largeRooms, int largeSize, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Room> rooms = new ArrayList<>();
        int[] order = shuffled(users, rnd);
        int i = 0;
        while (i < users) {
            int left = users - i;
            int size = left <= 3 ? left : (left == 4 ? 2 : 2 + rnd.nextInt(2));
            if (size == 1) {
                // a last single user joins the previous small room (so it has 3 or 4 members)
                Room prev = rooms.remove(rooms.size() - 1);
                int[] m = java.util.Arrays.copyOf(prev.members(), prev.members().length + 1);
                m[m.length - 1] = order[i];
                rooms.add(new Room(Kind.SMALL, m));
                break;
            }
            rooms.add(new Room(Kind.SMALL, java.util.Arrays.copyOfRange(order, i, i + size)));
            i += size;
        }
        int large = Math.min(largeSize, users);
        for (int r = 0; r < largeRooms && users > 3; r++) {
            rooms.add(new Room(Kind.LARGE, java.util.Arrays.copyOf(shuffled(users, rnd), large)));
        }
        int[] everybody = new int[users];
        for (int u = 0; u < users; u++) {
            everybody[u] = u;
        }
        rooms.add(new Room(Kind.ALL, everybody));
        return rooms;
    }

    private static int[] shuffled(int n, SplittableRandom rnd) {
        int[] a = new int[n];
        for (int k = 0; k < n; k++) {
            a[k] = k;
        }
        for (int k = n - 1; k > 0; k--) {
            int j = rnd.nextInt(k + 1);
            int t = a[k];
            a[k] = a[j];
            a[j] = t;
        }
        return a;
    }
}

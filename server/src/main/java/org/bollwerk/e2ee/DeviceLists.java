package org.bollwerk.e2ee;

import org.bollwerk.matrix.auth.Membership;
import org.bollwerk.room.RoomReader;
import org.bollwerk.storage.Db;
import org.bollwerk.storage.WakeKey;
import org.springframework.stereotype.Component;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Device-list tracking. A change to a user's devices or keys is recorded at a stream position; a
 * user's sync then reports in {@code device_lists.changed} every user whose keys changed and who shares
 * a room with them (or is them), plus users who newly share a room, and in {@code left} users they no
 * longer share any room with.
 */
@Component
class DeviceLists {
    private final Db db;
    private final RoomReader rooms;

    DeviceLists(Db db, RoomReader rooms) {
        this.db = db;
        this.rooms = rooms;
    }

    /** Records that {@code userId}'s device list changed and wakes everyone who tracks it; inside a write. */
    void changed(String userId) {
        long position = db.nextPosition();
        db.sql().sql("INSERT INTO e2e_device_list_changes (stream_position, user_id) VALUES (?, ?)")
                .params(position, userId).update();
        db.wakeAfterCommit(WakeKey.user(userId));
        // Everyone sharing a room with the user waits on that room's key.
        for (String roomId : rooms.joinedRooms(userId)) db.wakeAfterCommit(WakeKey.room(roomId));
    }

    record Changes(List<String> changed, List<String> left) {
        boolean isEmpty() {
            return changed.isEmpty() && left.isEmpty();
        }
    }

    /** What {@code userId} must learn about in (from, to]. */
    Changes between(String userId, long fromExclusive, long toInclusive) {
        if (toInclusive <= fromExclusive) return new Changes(List.of(), List.of());
        Set<String> changed = new LinkedHashSet<>(db.sql().sql("SELECT DISTINCT user_id FROM e2e_device_list_changes "
                        + "WHERE stream_position > ? AND stream_position <= ?")
                .params(fromExclusive, toInclusive).query(String.class).list());
        Set<String> leftCandidates = new HashSet<>();
        for (RoomReader.MemberChange change : rooms.memberChangesInRoomsOf(userId, fromExclusive, toInclusive)) {
            boolean joined = change.membership() == Membership.JOIN && change.previousMembership() != Membership.JOIN;
            boolean departed = change.membership() != Membership.JOIN && change.previousMembership() == Membership.JOIN;
            if (!joined && !departed) continue;
            if (change.userId().equals(userId)) {
                // The user joined or left a room: all its members are newly shared with, or maybe no longer.
                (joined ? changed : leftCandidates).addAll(rooms.joinedUserIds(change.roomId()));
            } else {
                (joined ? changed : leftCandidates).add(change.userId());
            }
        }
        if (changed.isEmpty() && leftCandidates.isEmpty()) return new Changes(List.of(), List.of());
        // Only now, and only once, the possibly large set of users sharing a room with this one.
        Set<String> sharing = rooms.usersSharingRoomWith(userId);
        sharing.add(userId);
        changed.retainAll(sharing);
        leftCandidates.removeAll(sharing);
        return new Changes(List.copyOf(changed), leftCandidates.stream().sorted().toList());
    }
}

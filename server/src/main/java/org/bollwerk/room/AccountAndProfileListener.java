package org.bollwerk.room;

import org.bollwerk.account.AccountEvents;
import org.bollwerk.storage.FollowUpHandler;
import org.bollwerk.storage.FollowUps;
import org.bollwerk.userdata.ProfileChanged;
import org.bollwerk.userdata.ProfileService;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Keeps rooms in step with accounts and profiles: member events carry the current display name and
 * avatar, and a deactivated account leaves its rooms. Both touch every room of the user, so they are not
 * done inside the write that triggers them (one transaction for 500 rooms would stall every other write):
 * they are recorded as follow-ups and run after its commit, one write per room.
 */
@Component
class AccountAndProfileListener implements MemberProfileSource, FollowUpHandler {
    static final String MEMBER_PROFILES = "room.member-profiles";
    static final String LEAVE_ALL = "room.leave-all";

    private final ProfileService profiles;
    private final RoomService rooms;
    private final FollowUps followUps;

    AccountAndProfileListener(ProfileService profiles, RoomService rooms, FollowUps followUps) {
        this.profiles = profiles;
        this.rooms = rooms;
        this.followUps = followUps;
    }

    @Override
    public Optional<MemberProfile> profile(String userId) {
        return profiles.profile(userId).map(p -> new MemberProfile(p.displayName(), p.avatarUrl()));
    }

    @EventListener
    void profileChanged(ProfileChanged event) {
        followUps.schedule(MEMBER_PROFILES, event.userId());
    }

    @EventListener
    void deactivated(AccountEvents.AccountDeactivated event) {
        followUps.schedule(LEAVE_ALL, event.userId());
    }

    @Override
    public Set<String> kinds() {
        return Set.of(MEMBER_PROFILES, LEAVE_ALL);
    }

    @Override
    public void run(String kind, String userId, BooleanSupplier stopRequested) {
        switch (kind) {
            case MEMBER_PROFILES -> rooms.refreshMemberProfiles(userId, stopRequested);
            case LEAVE_ALL -> rooms.leaveAll(userId, stopRequested);
            default -> throw new IllegalArgumentException("not a room follow-up: " + kind);
        }
    }
}

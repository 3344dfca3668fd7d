package org.bollwerk.room;

import org.bollwerk.account.AccountEvents;
import org.bollwerk.userdata.ProfileChanged;
import org.bollwerk.userdata.ProfileService;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * Keeps rooms in step with accounts and profiles: member events carry the current display name and
 * avatar, and a deactivated account leaves its rooms.
 */
@Component
class AccountAndProfileListener implements MemberProfileSource {
    private final ProfileService profiles;
    private final RoomService rooms;

    AccountAndProfileListener(ProfileService profiles, RoomService rooms) {
        this.profiles = profiles;
        this.rooms = rooms;
    }

    @Override
    public Optional<MemberProfile> profile(String userId) {
        return profiles.profile(userId).map(p -> new MemberProfile(p.displayName(), p.avatarUrl()));
    }

    @EventListener
    void profileChanged(ProfileChanged event) {
        rooms.updateMemberProfiles(event.userId(), event.displayName(), event.avatarUrl());
    }

    @EventListener
    void deactivated(AccountEvents.AccountDeactivated event) {
        rooms.leaveAll(event.userId());
    }
}

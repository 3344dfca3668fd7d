package org.bollwerk.admin;

import org.bollwerk.userdata.Profile;
import org.bollwerk.userdata.ProfileService;
import org.springframework.stereotype.Component;

/**
 * The admin API's one seam to profiles (display name, avatar), which the profile feature owns. New
 * accounts get their display name through {@code AccountService.createUser} (AccountCreated event).
 */
@Component
class Profiles {
    private static final Profile NONE = new Profile(null, null);
    private final ProfileService profiles;

    Profiles(ProfileService profiles) {
        this.profiles = profiles;
    }

    /** The user's profile; both fields null when there is none. */
    Profile of(String userId) {
        return profiles.profile(userId).orElse(NONE);
    }

    /** Sets, or with "" removes, the display name of an existing user. */
    void setDisplayName(String userId, String displayName) {
        profiles.setDisplayName(userId, displayName);
    }

    /** Sets, or with "" removes, the avatar of an existing user. */
    void setAvatarUrl(String userId, String avatarUrl) {
        profiles.setAvatarUrl(userId, avatarUrl);
    }
}

package org.bollwerk.admin;

import org.springframework.stereotype.Component;

/**
 * The admin API's one seam to display names, which the profile feature ({@code org.bollwerk.userdata})
 * owns. New accounts get theirs through {@code AccountService.createUser} (AccountCreated event).
 */
@Component
class DisplayNames {

    /** The user's display name, or null. */
    String of(String userId) {
        // TODO(profile): return profiles.profile(userId) display name once org.bollwerk.userdata.ProfileService
        //  is on main; until then the admin API reports null.
        return null;
    }

    /** Sets (or with "" removes) the display name of an existing user. */
    void set(String userId, String displayName) {
        // TODO(profile): profiles.setDisplayName(userId, displayName.isEmpty() ? null : displayName) once
        //  org.bollwerk.userdata.ProfileService is on main. Until then a changed display name of an existing
        //  user is ignored (tools send the field on every edit, so refusing it would break them).
    }
}

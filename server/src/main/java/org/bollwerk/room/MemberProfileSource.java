package org.bollwerk.room;

import java.util.Optional;

/**
 * Where membership events get a user's display name and avatar from. Implemented by the profile
 * feature (which depends on rooms, not the other way round).
 */
public interface MemberProfileSource {
    Optional<MemberProfile> profile(String userId);

    record MemberProfile(String displayName, String avatarUrl) {
    }
}

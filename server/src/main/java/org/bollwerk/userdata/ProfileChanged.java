package org.bollwerk.userdata;

/**
 * Published inside the write transaction whenever a user changes display name or avatar; the room
 * feature records a follow-up on it that re-sends the user's member events after the commit.
 */
public record ProfileChanged(String userId, String displayName, String avatarUrl) {
}

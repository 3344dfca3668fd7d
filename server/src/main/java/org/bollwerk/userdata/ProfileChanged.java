package org.bollwerk.userdata;

/**
 * Published inside the write transaction whenever a user changes display name or avatar; the room
 * feature updates the user's member events on it.
 */
public record ProfileChanged(String userId, String displayName, String avatarUrl) {
}

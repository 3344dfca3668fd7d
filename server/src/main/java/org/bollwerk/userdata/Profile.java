package org.bollwerk.userdata;

/** A user's public profile; either field may be null. */
public record Profile(String displayName, String avatarUrl) {
}

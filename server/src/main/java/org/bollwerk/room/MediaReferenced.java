package org.bollwerk.room;

import java.util.Set;

/**
 * An event of {@code roomId}, sent by {@code sender}, points at content in the media repository
 * ({@code mxc://} URIs in {@code url}, {@code info.thumbnail_url}, {@code file.url}). Published inside the
 * writing transaction, so the media feature can tie the content to the room: media of a room is served to
 * those who may see the room. A reference only counts when {@code sender} could already read the content:
 * posting a URI one merely learnt must not open media scoped to rooms one cannot read. (In encrypted rooms
 * the URIs are inside the ciphertext and stay invisible here.)
 */
public record MediaReferenced(String roomId, String sender, Set<String> mxcUris) {
}

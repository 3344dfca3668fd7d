package org.bollwerk.matrix.id;

/**
 * A room ID {@code !opaque:domain} as used by room versions 1–11 (version 12 drops the domain; we do
 * not support it yet). The opaque part follows the historical localpart rule; at most 255 bytes.
 */
public record RoomId(String opaque, String domain) {

    private static final String KIND = "Room ID";
    private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public RoomId {
        String full = "!" + opaque + ":" + domain;
        Ids.checkOpaqueLocalpart(KIND, full, opaque);
        Ids.checkDomain(KIND, full, domain);
        Ids.checkLength(KIND, full);
    }

    /** Parses {@code !opaque:domain}; throws {@code M_INVALID_PARAM} with a readable reason. */
    public static RoomId parse(String id) {
        String[] parts = Ids.split(KIND, '!', id);
        return new RoomId(parts[0], parts[1]);
    }

    /** A fresh room ID: 18 random ASCII letters from a {@link java.security.SecureRandom}. */
    public static RoomId random(String domain) {
        return new RoomId(Ids.randomLetters(LETTERS, 18), domain);
    }

    @Override
    public String toString() {
        return "!" + opaque + ":" + domain;
    }
}

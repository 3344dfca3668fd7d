package org.bollwerk.matrix.id;

/**
 * A room alias {@code #alias:domain}. The alias part may hold any code point except ':' and NUL;
 * the whole alias is at most 255 bytes.
 */
public record RoomAlias(String alias, String domain) {

    private static final String KIND = "Room alias";

    public RoomAlias {
        String full = "#" + alias + ":" + domain;
        Ids.checkOpaqueLocalpart(KIND, full, alias);
        Ids.checkDomain(KIND, full, domain);
        Ids.checkLength(KIND, full);
    }

    /** Parses {@code #alias:domain}; throws {@code M_INVALID_PARAM} with a readable reason. */
    public static RoomAlias parse(String id) {
        String[] parts = Ids.split(KIND, '#', id);
        return new RoomAlias(parts[0], parts[1]);
    }

    @Override
    public String toString() {
        return "#" + alias + ":" + domain;
    }
}

package org.bollwerk.matrix;

/**
 * The room versions this server can create and authorise. Both use reference-hash event IDs;
 * version 11 changes redaction, drops {@code creator} from {@code m.room.create} and moves
 * {@code redacts} into the content of {@code m.room.redaction}.
 */
public enum RoomVersion {
    V10("10"),
    V11("11");

    /** Version for new rooms unless the client asks for another. */
    public static final RoomVersion DEFAULT = V10;

    private final String id;

    RoomVersion(String id) {
        this.id = id;
    }

    /** The identifier used in {@code m.room.create} content and the API, e.g. {@code "10"}. */
    public String id() {
        return id;
    }

    /**
     * Looks up a version by identifier.
     *
     * @throws MatrixException {@code M_UNSUPPORTED_ROOM_VERSION} for unknown or missing identifiers
     */
    public static RoomVersion fromId(String id) {
        for (RoomVersion version : values()) {
            if (version.id.equals(id)) {
                return version;
            }
        }
        throw new MatrixException(ErrCode.M_UNSUPPORTED_ROOM_VERSION,
                "Room version '" + id + "' is not supported by this server.");
    }

    /** Version 10 names the creator in {@code content.creator}; 11 uses the create event's sender. */
    public boolean createContentHasCreator() {
        return this == V10;
    }

    /** Version 11 carries {@code redacts} inside the content of {@code m.room.redaction}, 10 at top level. */
    public boolean redactsInContent() {
        return this == V11;
    }
}

package org.bollwerk.matrix.auth;

import org.bollwerk.matrix.MatrixException;
import tools.jackson.databind.JsonNode;

/** The {@code membership} values of {@code m.room.member} events. */
public enum Membership {
    JOIN("join"),
    INVITE("invite"),
    LEAVE("leave"),
    BAN("ban"),
    KNOCK("knock");

    private final String value;

    Membership(String value) {
        this.value = value;
    }

    /** The wire value, e.g. {@code "join"}. */
    public String value() {
        return value;
    }

    /**
     * Parses a wire value.
     *
     * @throws MatrixException {@code M_BAD_JSON} for anything else
     */
    public static Membership fromValue(String value) {
        for (Membership membership : values()) {
            if (membership.value.equals(value)) {
                return membership;
            }
        }
        throw MatrixException.badJson("Unknown membership '" + value + "'.");
    }

    /**
     * The membership in an {@code m.room.member} content, or {@code null} when there is no such event
     * (the user never had a membership in the room).
     *
     * @throws MatrixException {@code M_BAD_JSON} if the content has no valid {@code membership}
     */
    public static Membership fromContent(JsonNode content) {
        if (content == null || content.isNull() || content.isMissingNode()) {
            return null;
        }
        JsonNode membership = content.get("membership");
        if (membership == null || !membership.isString()) {
            throw MatrixException.badJson("m.room.member content needs a string 'membership'.");
        }
        return fromValue(membership.stringValue());
    }

    @Override
    public String toString() {
        return value;
    }
}

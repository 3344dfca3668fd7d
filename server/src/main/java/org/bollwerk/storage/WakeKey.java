package org.bollwerk.storage;

import java.util.Objects;

/**
 * What a long-poll waits on: a room (its timeline, state, receipts, typing) or a user (their memberships,
 * account data, presence, devices). A typed key instead of a {@code "room:"+id} string, so a mistyped
 * prefix cannot silently stop delivery. {@link #wire()} is the form other nodes receive; it must stay
 * parseable by older nodes during a rolling upgrade ({@code room:!id}, {@code user:@id}).
 */
public record WakeKey(Kind kind, String id) {

    public enum Kind {
        ROOM("room:"), USER("user:");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }
    }

    public WakeKey {
        Objects.requireNonNull(kind, "kind");
        if (id == null || id.isEmpty()) throw new IllegalArgumentException("a wake key needs an ID");
    }

    public static WakeKey room(String roomId) {
        return new WakeKey(Kind.ROOM, roomId);
    }

    public static WakeKey user(String userId) {
        return new WakeKey(Kind.USER, userId);
    }

    /** The key as sent between nodes. */
    public String wire() {
        return kind.prefix + id;
    }

    /** Reads a key another node sent; {@link IllegalArgumentException} for anything else. */
    public static WakeKey parse(String wire) {
        for (Kind kind : Kind.values()) {
            if (wire.startsWith(kind.prefix)) return new WakeKey(kind, wire.substring(kind.prefix.length()));
        }
        throw new IllegalArgumentException("not a wake key: " + wire);
    }

    @Override
    public String toString() {
        return wire();
    }
}

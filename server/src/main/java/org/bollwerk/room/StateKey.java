package org.bollwerk.room;

/** The (type, state_key) pair that identifies a piece of room state. */
public record StateKey(String type, String stateKey) {
}

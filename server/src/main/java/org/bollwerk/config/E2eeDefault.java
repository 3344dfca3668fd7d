package org.bollwerk.config;

/**
 * Which new rooms the server makes end-to-end encrypted when the client did not ask ({@code bollwerk.e2ee-default},
 * bound case-insensitively): {@code private} rooms (not created with the {@code public_chat} preset), {@code all}
 * rooms, or none ({@code off}).
 */
public enum E2eeDefault {
    PRIVATE, ALL, OFF;

    /** Whether a room created with {@code preset} (may be null) gets {@code m.room.encryption} by default. */
    public boolean encrypts(String preset) {
        return switch (this) {
            case ALL -> true;
            case PRIVATE -> !"public_chat".equals(preset);
            case OFF -> false;
        };
    }
}

package org.bollwerk.room;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Server-wide room defaults. {@code bollwerk.e2ee-default}: {@code private} (default) adds
 * {@code m.room.encryption} to rooms that are not public, {@code all} to every room, {@code off} never.
 */
@Component
class RoomSettings {
    private final String e2eeDefault;

    RoomSettings(@Value("${bollwerk.e2ee-default:private}") String e2eeDefault) {
        this.e2eeDefault = e2eeDefault.trim().toLowerCase(java.util.Locale.ROOT);
        if (!java.util.List.of("private", "all", "off").contains(this.e2eeDefault)) {
            throw new IllegalArgumentException("bollwerk.e2ee-default (BOLLWERK_E2EE_DEFAULT) must be private, all or off");
        }
    }

    boolean encryptByDefault(String preset) {
        return switch (e2eeDefault) {
            case "all" -> true;
            case "private" -> !"public_chat".equals(preset);
            default -> false;
        };
    }
}

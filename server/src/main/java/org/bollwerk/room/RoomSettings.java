package org.bollwerk.room;

import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.config.E2eeDefault;
import org.springframework.stereotype.Component;

/** Server-wide room defaults: {@code bollwerk.e2ee-default} ({@link E2eeDefault}). */
@Component
class RoomSettings {
    private final E2eeDefault e2eeDefault;

    RoomSettings(BollwerkProperties props) {
        this.e2eeDefault = props.e2eeDefault();
    }

    boolean encryptByDefault(String preset) {
        return e2eeDefault.encrypts(preset);
    }
}

package org.bollwerk.e2ee;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EncryptionDefaultsIT extends E2eeTestBase {

    @Test
    void wellKnownTellsElementClientsToEncryptByDefault() {
        JsonNode body = http.get("/.well-known/matrix/client", null).json();
        assertThat(body.path("io.element.e2ee").path("default").asBoolean(false)).isTrue();
        assertThat(body.path("m.homeserver").path("base_url").asString()).startsWith("http");
    }

    @Test
    void privateChatsAndDirectMessagesAreEncryptedButPublicRoomsAreNot() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String privateRoom = privateRoomWith(alice, bob);
        assertThat(ok(get(alice, room(privateRoom) + "/state/m.room.encryption/")).path("algorithm").asString())
                .isEqualTo("m.megolm.v1.aes-sha2");
        String dm = createRoom(alice, Map.of("preset", "trusted_private_chat", "is_direct", true, "invite", List.of(bob.userId())));
        assertThat(ok(get(alice, room(dm) + "/state/m.room.encryption/")).path("algorithm").asString())
                .isEqualTo("m.megolm.v1.aes-sha2");
        String publicRoom = createRoom(alice, Map.of("preset", "public_chat"));
        refused(get(alice, room(publicRoom) + "/state/m.room.encryption/"), 404, "M_NOT_FOUND");
        refused(get(alice, room(publicRoom) + "/state/m.room.encryption"), 404, "M_NOT_FOUND");
    }
}

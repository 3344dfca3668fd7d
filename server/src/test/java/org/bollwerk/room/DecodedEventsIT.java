package org.bollwerk.room;

import org.bollwerk.matrix.json.Json;
import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The decoded-event cache never serves a PDU that the stored row no longer has. */
class DecodedEventsIT extends ClientApiTestBase {
    @Autowired
    DecodedEvents decoded;

    @Test
    void aRedactionByAnotherNodeIsSeenAlthoughThisNodeCachedTheEvent() {
        User alice = newUser("alice");
        String roomId = createRoom(alice, Map.of());
        String eventId = ok(send(alice, roomId, "secret plans")).get("event_id").asString();
        String path = room(roomId) + "/event/" + MatrixHttp.encode(eventId);
        assertThat(ok(get(alice, path)).path("content").path("body").asString()).isEqualTo("secret plans");

        ok(put(alice, room(roomId) + "/redact/" + MatrixHttp.encode(eventId) + "/r1", Map.of()));
        // Another node redacted it and this node's cache still holds the original, as it would without a
        // cluster message: the changed redacted_by column of the row must make the entry unusable.
        ObjectNode stale = (ObjectNode) Json.MAPPER.readTree(
                "{\"type\":\"m.room.message\",\"content\":{\"msgtype\":\"m.text\",\"body\":\"secret plans\"}}");
        decoded.remember(eventId, null, stale);

        JsonNode after = ok(get(alice, path));
        assertThat(after.path("content").size()).isZero();
        assertThat(after.path("unsigned").path("redacted_because").isObject()).isTrue();
        String sync = ok(get(alice, "/sync")).toString();
        assertThat(sync).doesNotContain("secret plans");
    }
}

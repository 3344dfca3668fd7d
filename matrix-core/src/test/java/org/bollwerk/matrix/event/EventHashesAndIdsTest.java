package org.bollwerk.matrix.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.matrix.MatrixAssertions.assertMatrixError;

import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.RoomVersion;
import org.bollwerk.matrix.json.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class EventHashesAndIdsTest {

    private static ObjectNode json(String text) {
        return Json.parseObject(text.replace('\'', '"').getBytes(UTF_8));
    }

    // Events and hashes from the spec appendix "Cryptographic Test Vectors / Event Signing".
    static ObjectNode minimalEvent() {
        return json("{'room_id':'!x:domain','sender':'@a:domain','origin':'domain','origin_server_ts':1000000,"
                + "'signatures':{},'hashes':{},'type':'X','content':{},'prev_events':[],'auth_events':[],'depth':3,"
                + "'unsigned':{'age_ts':1000000}}");
    }

    static ObjectNode redactableEvent() {
        return json("{'content':{'body':'Here is the message content'},'event_id':'$0:domain','origin':'domain',"
                + "'origin_server_ts':1000000,'type':'m.room.message','room_id':'!r:domain','sender':'@u:domain',"
                + "'signatures':{},'unsigned':{'age_ts':1000000}}");
    }

    @Test
    void computesTheSpecContentHashOfTheMinimalEvent() {
        assertThat(EventHashes.contentHash(minimalEvent())).isEqualTo("5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos");
    }

    @Test
    void computesTheSpecContentHashOfTheRedactableEvent() {
        assertThat(EventHashes.contentHash(redactableEvent())).isEqualTo("onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g");
    }

    @Test
    void contentHashIgnoresUnsignedSignaturesAndHashesButCoversEverythingElse() {
        ObjectNode event = minimalEvent();
        String hash = EventHashes.contentHash(event);
        event.putObject("unsigned").put("age", 99);
        event.putObject("hashes").put("sha256", "other");
        event.putObject("signatures").putObject("x");
        assertThat(EventHashes.contentHash(event)).isEqualTo(hash);
        event.putObject("content").put("body", "changed");
        assertThat(EventHashes.contentHash(event)).isNotEqualTo(hash);
    }

    @Test
    void addsAndVerifiesTheContentHash() {
        ObjectNode event = minimalEvent();
        ObjectNode before = event.deepCopy();
        EventHashes.contentHash(event);
        assertThat(event).isEqualTo(before); // computing does not modify
        EventHashes.addContentHash(event);
        assertThat(event.get("hashes").get("sha256").stringValue()).isEqualTo("5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos");
        assertThat(EventHashes.hasValidContentHash(event)).isTrue();
        event.put("depth", 4);
        assertThat(EventHashes.hasValidContentHash(event)).isFalse();
        assertThat(EventHashes.hasValidContentHash(minimalEvent())).isFalse();
    }

    @Test
    void rejectsNonCanonicalContentWhenHashing() {
        ObjectNode event = minimalEvent();
        event.putObject("content").put("f", 1.5);
        assertMatrixError(ErrCode.M_BAD_JSON, () -> EventHashes.contentHash(event));
        assertMatrixError(ErrCode.M_BAD_JSON, () -> EventIds.referenceId(event.put("depth", 1.5), RoomVersion.V10));
    }

    // Expected values computed independently with Python's hashlib and json.dumps(sort_keys=True).
    private static ObjectNode sampleEvent() {
        return json("{'type':'m.room.message','room_id':'!r:example.org','sender':'@u:example.org',"
                + "'origin':'example.org','origin_server_ts':1700000000000,'depth':5,'prev_events':['$a'],"
                + "'auth_events':['$b','$c'],'content':{'body':'h\u00e9llo','msgtype':'m.text'},'hashes':{'sha256':'x'},"
                + "'signatures':{'example.org':{'ed25519:1':'sig'}},'unsigned':{'age':1}}");
    }

    @Test
    void computesReferenceIdsOverTheRedactedEventPerVersion() {
        assertThat(EventIds.referenceId(sampleEvent(), RoomVersion.V10)).isEqualTo("$yyx1srzJz4hIzs1DtJQU92GC1tiBMTJ3S-iDbjkn68Y");
        assertThat(EventIds.referenceId(sampleEvent(), RoomVersion.V11)).isEqualTo("$1b0j4igQQh01MbrjkTL-OKWWh4PQAWJZA_cwHFUhRPE");
    }

    @Test
    void referenceIdIgnoresSignaturesUnsignedAndRedactableContent() {
        ObjectNode event = sampleEvent();
        String id = EventIds.referenceId(event, RoomVersion.V10);
        event.putObject("signatures");
        event.remove("unsigned");
        event.putObject("content").put("body", "other"); // covered only through hashes
        assertThat(EventIds.referenceId(event, RoomVersion.V10)).isEqualTo(id);
        event.putObject("hashes").put("sha256", "y");
        assertThat(EventIds.referenceId(event, RoomVersion.V10)).isNotEqualTo(id);
    }

    @Test
    void referenceIdsAreUrlSafeAndParseAsEventIds() {
        String id = EventIds.referenceId(sampleEvent(), RoomVersion.V11);
        assertThat(id).matches("\\$[A-Za-z0-9_-]{43}");
        assertThat(EventIds.eventId(sampleEvent(), RoomVersion.V11).isReferenceHash()).isTrue();
        assertThat(EventIds.referenceHash(sampleEvent(), RoomVersion.V11)).hasSize(32);
    }

    @Test
    void referenceIdLeavesTheInputUntouched() {
        ObjectNode event = sampleEvent();
        ObjectNode before = event.deepCopy();
        EventIds.referenceId(event, RoomVersion.V11);
        assertThat(event).isEqualTo(before);
    }
}

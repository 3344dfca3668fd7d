package org.bollwerk.matrix.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.matrix.MatrixAssertions.assertMatrixError;

import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.RoomVersion;
import org.bollwerk.matrix.event.EventHashes;
import org.bollwerk.matrix.json.CanonicalJson;
import org.bollwerk.matrix.json.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class EventSignerTest {

    // Spec appendix "Cryptographic Test Vectors".
    private static final String SEED = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";
    private static final SigningKey SPEC_KEY = SigningKey.fromSeed("ed25519:1", SEED);

    private static ObjectNode json(String text) {
        return Json.parseObject(text.replace('\'', '"').getBytes(UTF_8));
    }

    @Test
    void signsTheEmptyObjectLikeTheSpec() {
        ObjectNode signed = EventSigner.signJson(json("{}"), "domain", SPEC_KEY);
        assertThat(CanonicalJson.encodeToString(signed)).isEqualTo("{\"signatures\":{\"domain\":{\"ed25519:1\":"
                + "\"K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ\"}}}");
    }

    @Test
    void signsAnObjectWithDataLikeTheSpec() {
        ObjectNode signed = EventSigner.signJson(json("{'one':1,'two':'Two'}"), "domain", SPEC_KEY);
        assertThat(signed.get("signatures").get("domain").get("ed25519:1").stringValue())
                .isEqualTo("KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw");
        assertThat(signed.get("one").intValue()).isEqualTo(1);
    }

    @Test
    void hashesAndSignsTheMinimalEventLikeTheSpec() {
        ObjectNode event = json("{'room_id':'!x:domain','sender':'@a:domain','origin':'domain','origin_server_ts':1000000,"
                + "'signatures':{},'hashes':{},'type':'X','content':{},'prev_events':[],'auth_events':[],'depth':3,"
                + "'unsigned':{'age_ts':1000000}}");
        EventHashes.addContentHash(event);
        EventSigner.signEvent(event, RoomVersion.V10, "domain", SPEC_KEY);
        assertThat(event).isEqualTo(json("{'auth_events':[],'content':{},'depth':3,'hashes':{'sha256':"
                + "'5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos'},'origin':'domain','origin_server_ts':1000000,"
                + "'prev_events':[],'room_id':'!x:domain','sender':'@a:domain','signatures':{'domain':{'ed25519:1':"
                + "'KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg'}},"
                + "'type':'X','unsigned':{'age_ts':1000000}}"));
    }

    @Test
    void hashesAndSignsTheRedactableEventLikeTheSpec() {
        ObjectNode event = json("{'content':{'body':'Here is the message content'},'event_id':'$0:domain',"
                + "'origin':'domain','origin_server_ts':1000000,'type':'m.room.message','room_id':'!r:domain',"
                + "'sender':'@u:domain','signatures':{},'unsigned':{'age_ts':1000000}}");
        EventHashes.addContentHash(event);
        EventSigner.signEvent(event, RoomVersion.V10, "domain", SPEC_KEY);
        assertThat(event.get("hashes").get("sha256").stringValue()).isEqualTo("onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g");
        assertThat(event.get("signatures").get("domain").get("ed25519:1").stringValue())
                .isEqualTo("Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA");
        assertThat(event.get("content").get("body").stringValue()).isEqualTo("Here is the message content");
    }

    @Test
    void verifiesSpecSignaturesAndRejectsTamperedEvents() {
        ObjectNode event = json("{'content':{'body':'x'},'type':'m.room.message','room_id':'!r:domain',"
                + "'sender':'@u:domain','origin_server_ts':5,'depth':1,'prev_events':[],'auth_events':[]}");
        EventHashes.addContentHash(event);
        EventSigner.signEvent(event, RoomVersion.V11, "domain", SPEC_KEY);
        assertThat(EventSigner.verifyEvent(event, RoomVersion.V11, "domain", "ed25519:1", SPEC_KEY.publicKey())).isTrue();

        // the signature survives redaction of content (that is what the content hash is for)
        ObjectNode redactedBody = event.deepCopy();
        redactedBody.putObject("content");
        assertThat(EventSigner.verifyEvent(redactedBody, RoomVersion.V11, "domain", "ed25519:1", SPEC_KEY.publicKey())).isTrue();

        ObjectNode tampered = event.deepCopy().put("sender", "@evil:domain");
        assertThat(EventSigner.verifyEvent(tampered, RoomVersion.V11, "domain", "ed25519:1", SPEC_KEY.publicKey())).isFalse();
        assertThat(EventSigner.verifyEvent(event, RoomVersion.V11, "other", "ed25519:1", SPEC_KEY.publicKey())).isFalse();
        assertThat(EventSigner.verifyEvent(event, RoomVersion.V11, "domain", "ed25519:2", SPEC_KEY.publicKey())).isFalse();
        assertThat(EventSigner.verifyEvent(event, RoomVersion.V11, "domain", "ed25519:1",
                SigningKey.generate().publicKey())).isFalse();
    }

    @Test
    void verifyAnswersFalseForMalformedSignatures() {
        ObjectNode json = json("{'a':1,'signatures':{'domain':{'ed25519:1':'!!not base64!!'}}}");
        assertThat(EventSigner.verifyJson(json, "domain", "ed25519:1", SPEC_KEY.publicKey())).isFalse();
        json.putObject("signatures").putObject("domain").put("ed25519:1", "AAAA");
        assertThat(EventSigner.verifyJson(json, "domain", "ed25519:1", SPEC_KEY.publicKey())).isFalse();
        json.putObject("signatures").putObject("domain").put("ed25519:1", 5);
        assertThat(EventSigner.verifyJson(json, "domain", "ed25519:1", SPEC_KEY.publicKey())).isFalse();
        json.put("signatures", "nope");
        assertThat(EventSigner.verifyJson(json, "domain", "ed25519:1", SPEC_KEY.publicKey())).isFalse();
    }

    @Test
    void keepsExistingSignaturesOfOtherServersAndKeys() {
        ObjectNode json = json("{'a':1,'signatures':{'other':{'ed25519:x':'sig'}},'unsigned':{'u':1}}");
        EventSigner.signJson(json, "domain", SPEC_KEY);
        assertThat(json.get("signatures").get("other").get("ed25519:x").stringValue()).isEqualTo("sig");
        assertThat(EventSigner.verifyJson(json, "domain", "ed25519:1", SPEC_KEY.publicKey())).isTrue();
        assertThat(json.get("unsigned").get("u").intValue()).isEqualTo(1);
    }

    @Test
    void refusesToSignNonCanonicalJson() {
        assertMatrixError(ErrCode.M_BAD_JSON, () -> EventSigner.signJson(json("{'f':0.5}"), "domain", SPEC_KEY));
    }
}

package org.bollwerk.matrix.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.matrix.MatrixAssertions.assertMatrixError;

import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.matrix.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

class PowerLevelsTest {

    private static final UserId ALICE = UserId.parse("@alice:example.org");
    private static final UserId BOB = UserId.parse("@bob:example.org");

    private static ObjectNode json(String text) {
        return Json.parseObject(text.replace('\'', '"').getBytes(UTF_8));
    }

    @Test
    void fillsSpecDefaultsForKeysTheEventOmits() {
        PowerLevels levels = PowerLevels.of(json("{}"), ALICE);
        assertThat(levels.stateDefault()).isEqualTo(50);
        assertThat(levels.eventsDefault()).isZero();
        assertThat(levels.usersDefault()).isZero();
        assertThat(levels.invite()).isZero();
        assertThat(levels.kick()).isEqualTo(50);
        assertThat(levels.ban()).isEqualTo(50);
        assertThat(levels.redact()).isEqualTo(50);
        assertThat(levels.notifications("room")).isEqualTo(50);
        assertThat(levels.userLevel(ALICE)).isZero(); // the creator has no special level once the event exists
    }

    @Test
    void givesTheCreatorOneHundredWhenThereIsNoEvent() {
        PowerLevels levels = PowerLevels.of(null, ALICE);
        assertThat(levels.userLevel(ALICE)).isEqualTo(100);
        assertThat(levels.userLevel(BOB)).isZero();
        assertThat(levels.levelForEvent("m.room.name", true)).isEqualTo(50);
        assertThat(levels.levelForEvent("m.room.message", false)).isZero();
        assertThat(levels.invite()).isZero();
        assertThat(levels.kick()).isEqualTo(50);
    }

    @Test
    void readsExplicitLevels() {
        PowerLevels levels = PowerLevels.of(json("{'users':{'@alice:example.org':100},'users_default':10,"
                + "'events':{'m.room.name':20,'m.reaction':5},'events_default':1,'state_default':60,'ban':70,"
                + "'kick':65,'invite':30,'redact':40,'notifications':{'room':99}}"), ALICE);
        assertThat(levels.userLevel(ALICE)).isEqualTo(100);
        assertThat(levels.userLevel(BOB)).isEqualTo(10);
        assertThat(levels.levelForEvent("m.room.name", true)).isEqualTo(20);
        assertThat(levels.levelForEvent("m.reaction", false)).isEqualTo(5);
        assertThat(levels.levelForEvent("m.room.topic", true)).isEqualTo(60);
        assertThat(levels.levelForEvent("m.room.message", false)).isEqualTo(1);
        assertThat(levels.ban()).isEqualTo(70);
        assertThat(levels.kick()).isEqualTo(65);
        assertThat(levels.invite()).isEqualTo(30);
        assertThat(levels.redact()).isEqualTo(40);
        assertThat(levels.notifications("room")).isEqualTo(99);
        assertThat(levels.notifications("other")).isEqualTo(50);
        assertThat(levels.canSend(BOB, "m.reaction", false)).isTrue();
        assertThat(levels.canSend(BOB, "m.room.name", true)).isFalse();
        assertThat(levels.canSend(ALICE, "m.room.name", true)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{'ban':'50'}", "{'kick':50.0}", "{'users_default':true}", "{'events':{'m.room.name':'1'}}",
            "{'events':[]}", "{'users':{'@a:x':1.5}}", "{'users':{'not-a-user':1}}", "{'notifications':{'room':null}}",
            "{'invite':9007199254740992}", "{'redact':-9223372036854775808}", "{'state_default':-0}"})
    void rejectsMalformedContentAsBadJson(String content) {
        assertMatrixError(ErrCode.M_BAD_JSON, () -> PowerLevels.fromContent(json(content)));
    }

    @Test
    void acceptsNegativeAndLargeSafeLevels() {
        PowerLevels levels = PowerLevels.fromContent(json("{'users':{'@a:x':-10},'ban':9007199254740991}"));
        assertThat(levels.userLevel(UserId.parse("@a:x"))).isEqualTo(-10);
        assertThat(levels.ban()).isEqualTo(9007199254740991L);
    }

    @Test
    void roundTripsThroughContent() {
        PowerLevels levels = PowerLevels.fromContent(json("{'users':{'@alice:example.org':100},'events':{'m.room.name':50},"
                + "'notifications':{'room':20},'kick':10}"));
        assertThat(PowerLevels.fromContent(levels.toContent())).isEqualTo(levels);
        assertThat(PowerLevels.withoutEvent(ALICE).toContent().get("users").get("@alice:example.org").intValue())
                .isEqualTo(100);
    }
}

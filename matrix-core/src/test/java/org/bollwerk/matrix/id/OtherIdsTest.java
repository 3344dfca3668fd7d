package org.bollwerk.matrix.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.matrix.MatrixAssertions.assertMatrixError;

import java.util.HashSet;
import java.util.Set;
import org.bollwerk.matrix.ErrCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OtherIdsTest {

    @Test
    void parsesRoomIds() {
        RoomId id = RoomId.parse("!abcDEF:example.org:8448");
        assertThat(id.opaque()).isEqualTo("abcDEF");
        assertThat(id.domain()).isEqualTo("example.org:8448");
        assertThat(id).hasToString("!abcDEF:example.org:8448");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc:example.org", "!abc", "!:example.org", "@abc:example.org", "!abc:bad host"})
    void rejectsMalformedRoomIds(String id) {
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> RoomId.parse(id)).hasMessageContaining("room ID");
    }

    @Test
    void generatesRandomRoomIdsOfEighteenLetters() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            RoomId id = RoomId.random("example.org");
            assertThat(id.opaque()).matches("[A-Za-z]{18}");
            assertThat(id.domain()).isEqualTo("example.org");
            seen.add(id.opaque());
        }
        assertThat(seen).hasSize(200);
    }

    @Test
    void refusesRandomRoomIdsForAnInvalidDomain() {
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> RoomId.random("not valid"));
    }

    @Test
    void parsesRoomAliases() {
        RoomAlias alias = RoomAlias.parse("#Café-Room:example.org");
        assertThat(alias.alias()).isEqualTo("Café-Room");
        assertThat(alias.domain()).isEqualTo("example.org");
        assertThat(alias).hasToString("#Café-Room:example.org");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "room:example.org", "#room", "#:example.org", "!room:example.org"})
    void rejectsMalformedRoomAliases(String alias) {
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> RoomAlias.parse(alias)).hasMessageContaining("alias");
    }

    @Test
    void rejectsAliasesLongerThan255Bytes() {
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> RoomAlias.parse("#" + "a".repeat(250) + ":example.org"));
    }

    @Test
    void parsesEventIdsOfBothFormats() {
        EventId hash = EventId.parse("$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg");
        assertThat(hash.isReferenceHash()).isTrue();
        assertThat(hash).hasToString("$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg");
        EventId legacy = EventId.parse("$abc:example.org");
        assertThat(legacy.isReferenceHash()).isFalse();
        assertThat(legacy.opaque()).isEqualTo("abc:example.org");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "$", "abc", "$a b", "$a\nb", "!abc"})
    void rejectsMalformedEventIds(String id) {
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> EventId.parse(id)).hasMessageContaining("vent ID");
    }

    @Test
    void rejectsEventIdsLongerThan255Bytes() {
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> EventId.parse("$" + "a".repeat(255)));
        assertThat(EventId.parse("$" + "a".repeat(254))).isNotNull();
    }

    @Test
    void generatesDeviceIdsOfTenUpperCaseLetters() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String id = DeviceIds.random();
            assertThat(id).matches("[A-Z]{10}");
            seen.add(id);
        }
        assertThat(seen).hasSize(200);
    }
}

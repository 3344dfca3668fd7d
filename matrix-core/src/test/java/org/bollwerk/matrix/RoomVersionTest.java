package org.bollwerk.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.matrix.MatrixAssertions.assertMatrixError;

import org.junit.jupiter.api.Test;

class RoomVersionTest {

    @Test
    void looksUpVersionsByTheirId() {
        assertThat(RoomVersion.fromId("10")).isEqualTo(RoomVersion.V10);
        assertThat(RoomVersion.fromId("11")).isEqualTo(RoomVersion.V11);
        assertThat(RoomVersion.V11.id()).isEqualTo("11");
    }

    @Test
    void rejectsUnknownVersionsWithUnsupportedRoomVersion() {
        assertMatrixError(ErrCode.M_UNSUPPORTED_ROOM_VERSION, () -> RoomVersion.fromId("9")).hasMessageContaining("'9'");
        assertMatrixError(ErrCode.M_UNSUPPORTED_ROOM_VERSION, () -> RoomVersion.fromId("V10"));
        assertMatrixError(ErrCode.M_UNSUPPORTED_ROOM_VERSION, () -> RoomVersion.fromId(null));
    }

    @Test
    void defaultsToVersionTen() {
        assertThat(RoomVersion.DEFAULT).isEqualTo(RoomVersion.V10);
    }

    @Test
    void describesTheVersionDifferences() {
        assertThat(RoomVersion.V10.createContentHasCreator()).isTrue();
        assertThat(RoomVersion.V11.createContentHasCreator()).isFalse();
        assertThat(RoomVersion.V10.redactsInContent()).isFalse();
        assertThat(RoomVersion.V11.redactsInContent()).isTrue();
    }

    @Test
    void encodesAndDecodesUnpaddedBase64() {
        assertThat(UnpaddedBase64.encode(new byte[] {(byte) 0xfb, (byte) 0xff})).isEqualTo("+/8");
        assertThat(UnpaddedBase64.encodeUrlSafe(new byte[] {(byte) 0xfb, (byte) 0xff})).isEqualTo("-_8");
        assertThat(UnpaddedBase64.decode("+/8")).containsExactly(0xfb, 0xff);
        assertThat(UnpaddedBase64.decode("+/8=")).containsExactly(0xfb, 0xff);
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> UnpaddedBase64.decode("!!"));
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> UnpaddedBase64.decode(null));
    }
}

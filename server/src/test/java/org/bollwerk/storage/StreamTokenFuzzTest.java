package org.bollwerk.storage;

import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.fuzz.Fuzz;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Property-based fuzzing of sync and pagination tokens, which clients send back verbatim (or not). */
class StreamTokenFuzzTest {

    @Test
    void anyTextParsesOrFailsWithInvalidParam() {
        Fuzz.check(StreamTokenFuzzTest::token, text -> {
            try {
                StreamToken token = StreamToken.parse(text);
                assertThat(token.position()).isNotNegative();
                assertThat(token.typing()).isNotNegative();
            } catch (MatrixException e) {
                assertThat(e.errCode()).isEqualTo(ErrCode.M_INVALID_PARAM);
            }
        });
    }

    @Test
    void tokensTheServerHandsOutParseBack() {
        Fuzz.check(r -> new StreamToken(r.nextLong() & Long.MAX_VALUE, r.nextInt(4) == 0 ? 0 : r.nextLong() & Long.MAX_VALUE),
                token -> {
                    assertThat(StreamToken.parse(token.sync())).isEqualTo(token);
                    assertThat(StreamToken.parse(StreamToken.of(token.position())).position()).isEqualTo(token.position());
                });
    }

    private static String token(Random r) {
        return r.nextBoolean() ? Fuzz.anyString(r, 80) : Fuzz.string(r, "st_0123456789-+ \u0660\uff10", 70);
    }
}

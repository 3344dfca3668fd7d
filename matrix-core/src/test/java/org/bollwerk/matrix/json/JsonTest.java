package org.bollwerk.matrix.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.matrix.MatrixAssertions.assertMatrixError;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.bollwerk.matrix.ErrCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

class JsonTest {

    private static ObjectNode parse(String text) {
        return Json.parseObject(text.getBytes(UTF_8));
    }

    @Test
    void parsesAnObject() {
        ObjectNode node = parse(" {\"a\": [1, true, null, \"x\"], \"b\": {\"c\": \"d\"}} ");
        assertThat(node.get("a").size()).isEqualTo(4);
        assertThat(node.get("b").get("c").stringValue()).isEqualTo("d");
    }

    @Test
    void rejectsEmptyBodyAsNotJson() {
        assertMatrixError(ErrCode.M_NOT_JSON, () -> Json.parseObject(new byte[0]));
        assertMatrixError(ErrCode.M_NOT_JSON, () -> Json.parseObject(null));
        assertMatrixError(ErrCode.M_NOT_JSON, () -> parse("   \n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"a\":}", "nope", "{\"a\":1,}", "{'a':1}", "{\"a\":01}", "{\"a\":NaN}", "{} {}", "{}x", "[1"})
    void rejectsInvalidJsonAsNotJson(String text) {
        assertMatrixError(ErrCode.M_NOT_JSON, () -> parse(text));
    }

    @Test
    void rejectsInvalidUtf8AsNotJson() {
        byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'};
        assertMatrixError(ErrCode.M_NOT_JSON, () -> Json.parseObject(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "1", "\"text\"", "null", "true"})
    void rejectsValidJsonThatIsNotAnObjectAsBadJson(String text) {
        assertMatrixError(ErrCode.M_BAD_JSON, () -> parse(text)).hasMessageContaining("Expected a JSON object");
    }

    @Test
    void rejectsDuplicateKeysAsBadJson() {
        assertMatrixError(ErrCode.M_BAD_JSON, () -> parse("{\"a\":1,\"a\":2}")).hasMessageContaining("Duplicate key");
        assertMatrixError(ErrCode.M_BAD_JSON, () -> parse("{\"x\":{\"b\":1,\"b\":1}}"));
    }

    @Test
    void acceptsNestingOfExactlyOneHundredLevels() {
        assertThat(parse(nested(100))).isNotNull();
    }

    @Test
    void rejectsNestingDeeperThanOneHundredLevelsAsBadJson() {
        assertMatrixError(ErrCode.M_BAD_JSON, () -> parse(nested(101))).hasMessageContaining("100");
        assertMatrixError(ErrCode.M_BAD_JSON, () -> parse(nested(5000)));
    }

    @Test
    void keepsNumbersExact() {
        ObjectNode node = parse("{\"big\":123456789012345678901234567890,\"long\":9007199254740993,"
                + "\"dec\":0.1000000000000000055511151231257827,\"int\":7}");
        assertThat(node.get("big").bigIntegerValue()).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(node.get("long").longValue()).isEqualTo(9007199254740993L);
        assertThat(node.get("dec").decimalValue()).isEqualTo(new BigDecimal("0.1000000000000000055511151231257827"));
        assertThat(node.get("int").isInt()).isTrue();
    }

    @Test
    void rejectsAFloatWhoseExponentExceedsBigDecimalAsBadJson() {
        // found by JsonFuzzTest: threw NumberFormatException (a 500 at the HTTP layer) instead of M_BAD_JSON
        assertMatrixError(ErrCode.M_BAD_JSON, () -> parse("{\"a\":1e00004041270368}"));
        assertMatrixError(ErrCode.M_BAD_JSON, () -> parse("{\"a\":[-1.5E-99999999999]}"));
        assertThat(parse("{\"a\":1e400}").get("a").decimalValue()).isEqualTo(new BigDecimal("1e400"));
    }

    @Test
    void keepsNegativeZeroDistinctSoCanonicalJsonCanRejectIt() {
        ObjectNode node = parse("{\"a\":-0}");
        assertThat(node.get("a").isIntegralNumber()).isFalse();
        assertMatrixError(ErrCode.M_BAD_JSON, () -> CanonicalJson.encode(node)).hasMessageContaining("-0");
    }

    @Test
    void writesCompactJson() {
        assertThat(Json.write(parse("{ \"a\" : [ 1 , 2 ] }"))).isEqualTo("{\"a\":[1,2]}");
    }

    @Test
    void sharedMapperRejectsDuplicateKeys() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Json.MAPPER.readTree("{\"a\":1,\"a\":2}"))
                .isInstanceOf(tools.jackson.core.JacksonException.class);
    }

    private static String nested(int depth) {
        // depth counts the top-level object as 1
        return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
    }
}

package org.bollwerk.matrix.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.bollwerk.matrix.MatrixAssertions.assertMatrixError;

import java.math.BigInteger;
import org.bollwerk.matrix.ErrCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class CanonicalJsonTest {

    private static String canonical(String json) {
        return CanonicalJson.encodeToString(Json.parseObject(json.getBytes(UTF_8)));
    }

    // Test vectors from the spec appendix "Canonical JSON".
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{}|{}",
        "{ \"one\": 1, \"two\": \"Two\" }|{\"one\":1,\"two\":\"Two\"}",
        "{ \"b\": \"2\", \"a\": \"1\" }|{\"a\":\"1\",\"b\":\"2\"}",
        "{\"b\":\"2\",\"a\":\"1\"}|{\"a\":\"1\",\"b\":\"2\"}",
        "{ \"a\": \"日本語\" }|{\"a\":\"日本語\"}",
        "{ \"本\": 2, \"日\": 1 }|{\"日\":1,\"本\":2}",
        "{ \"a\": \"\\u65E5\" }|{\"a\":\"日\"}",
        "{ \"a\": null }|{\"a\":null}",
    })
    void producesTheSpecAppendixExamples(String input, String expected) {
        assertThat(canonical(input)).isEqualTo(expected);
    }

    @Test
    void producesTheNestedSpecAppendixExample() {
        String input = """
                {
                    "auth": {
                        "success": true,
                        "mxid": "@john.doe:example.com",
                        "profile": {
                            "display_name": "John Doe",
                            "three_pids": [
                                { "medium": "email", "address": "john.doe@example.org" },
                                { "medium": "msisdn", "address": "123456789" }
                            ]
                        }
                    }
                }""";
        assertThat(canonical(input)).isEqualTo("{\"auth\":{\"mxid\":\"@john.doe:example.com\",\"profile\":{\"display_name\":"
                + "\"John Doe\",\"three_pids\":[{\"address\":\"john.doe@example.org\",\"medium\":\"email\"},"
                + "{\"address\":\"123456789\",\"medium\":\"msisdn\"}]},\"success\":true}}");
    }

    @Test
    void rejectsFloatsInCanonicalJson() {
        assertMatrixError(ErrCode.M_BAD_JSON, () -> canonical("{\"a\":1.5}")).hasMessageContaining("Floating-point");
        assertMatrixError(ErrCode.M_BAD_JSON, () -> canonical("{\"a\":1.0}"));
        assertMatrixError(ErrCode.M_BAD_JSON, () -> canonical("{\"a\":[{\"b\":0.0}]}"));
    }

    @Test
    void rejectsExponentsEvenWhereTheSpecExampleNormalisesThem() {
        // The appendix example turns {"a":-0,"b":1e10} into {"a":0,"b":10000000000}; its grammar
        // forbids both, and we reject instead of guessing.
        assertMatrixError(ErrCode.M_BAD_JSON, () -> canonical("{\"b\":1e10}"));
        assertMatrixError(ErrCode.M_BAD_JSON, () -> canonical("{\"a\":-0}"));
        assertMatrixError(ErrCode.M_BAD_JSON, () -> canonical("{\"a\":-0.0}"));
    }

    @Test
    void acceptsIntegersAtTheEdgesOfTheSafeRange() {
        assertThat(canonical("{\"a\":9007199254740991,\"b\":-9007199254740991,\"c\":0}"))
                .isEqualTo("{\"a\":9007199254740991,\"b\":-9007199254740991,\"c\":0}");
    }

    @Test
    void rejectsIntegersOutsideTheSafeRange() {
        assertMatrixError(ErrCode.M_BAD_JSON, () -> canonical("{\"a\":9007199254740992}")).hasMessageContaining("2^53");
        assertMatrixError(ErrCode.M_BAD_JSON, () -> canonical("{\"a\":-9007199254740992}"));
        assertMatrixError(ErrCode.M_BAD_JSON, () -> canonical("{\"a\":123456789012345678901234567890}"));
    }

    @Test
    void sortsKeysByCodePointNotByUtf16Unit() {
        // U+1F600 is a surrogate pair (D83D DE00) in UTF-16, which String.compareTo puts before U+FB01.
        String emoji = new String(Character.toChars(0x1F600));
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put(emoji, 1);
        node.put("\uFB01", 2);
        node.put("a", 3);
        assertThat(CanonicalJson.encodeToString(node)).isEqualTo("{\"a\":3,\"\uFB01\":2,\"" + emoji + "\":1}");
        assertThat(emoji.compareTo("\uFB01")).isNegative(); // the trap this guards against
    }

    @Test
    void sortsPrefixKeysFirst() {
        assertThat(canonical("{\"ab\":1,\"a\":2,\"B\":3}")).isEqualTo("{\"B\":3,\"a\":2,\"ab\":1}");
    }

    @Test
    void escapesOnlyWhatTheGrammarRequires() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("s", "q\" b\\ \b\f\n\r\t \u0000\u0001\u001f\u000b / \u007f é \u2028 😀");
        assertThat(CanonicalJson.encodeToString(node))
                .isEqualTo("{\"s\":\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0000\\u0001\\u001f\\u000b / \u007f é \u2028 😀\"}");
    }

    @Test
    void encodesAsUtf8Bytes() {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("a", "é");
        assertThat(CanonicalJson.encode(node)).containsExactly('{', '"', 'a', '"', ':', '"', 0xC3 - 256, 0xA9 - 256, '"', '}');
    }

    @Test
    void rejectsUnpairedSurrogates() {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("a", "x\uD800y");
        assertMatrixError(ErrCode.M_BAD_JSON, () -> CanonicalJson.encode(node)).hasMessageContaining("surrogate");
        ObjectNode key = JsonNodeFactory.instance.objectNode().put("\uDC00", 1);
        assertMatrixError(ErrCode.M_BAD_JSON, () -> CanonicalJson.encode(key));
    }

    @Test
    void rejectsNonJsonNodeTypes() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.set("bin", JsonNodeFactory.instance.binaryNode(new byte[] {1}));
        assertMatrixError(ErrCode.M_BAD_JSON, () -> CanonicalJson.encode(node));
    }

    @Test
    void acceptsBigIntegerNodesInRange() {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("a", BigInteger.valueOf(-42));
        assertThat(CanonicalJson.encodeToString(node)).isEqualTo("{\"a\":-42}");
    }

    @Test
    void encodesTopLevelArraysAndScalars() {
        assertThat(CanonicalJson.encodeToString(JsonNodeFactory.instance.arrayNode().add(1).add("x").addNull()))
                .isEqualTo("[1,\"x\",null]");
        assertThat(CanonicalJson.encodeToString(JsonNodeFactory.instance.booleanNode(false))).isEqualTo("false");
    }

    @Test
    void validatesEventContent() {
        assertThatCode(() -> CanonicalJson.validateEventContent(Json.parseObject(
                "{\"body\":\"hi\",\"n\":[1,{\"x\":null}]}".getBytes(UTF_8)))).doesNotThrowAnyException();
        assertMatrixError(ErrCode.M_BAD_JSON, () -> CanonicalJson.validateEventContent(
                Json.parseObject("{\"deep\":{\"x\":[3.14]}}".getBytes(UTF_8))));
        assertMatrixError(ErrCode.M_BAD_JSON, () -> CanonicalJson.validateEventContent(
                Json.parseObject("{\"n\":18014398509481984}".getBytes(UTF_8))));
    }

    @Test
    void codePointOrderComparesLikeTheSpec() {
        assertThat(CanonicalJson.CODE_POINT_ORDER.compare("a", "b")).isNegative();
        assertThat(CanonicalJson.CODE_POINT_ORDER.compare("ab", "a")).isPositive();
        assertThat(CanonicalJson.CODE_POINT_ORDER.compare("\uD83D\uDE00", "\uFFFF")).isPositive();
        assertThat(CanonicalJson.CODE_POINT_ORDER.compare("x", "x")).isZero();
    }
}

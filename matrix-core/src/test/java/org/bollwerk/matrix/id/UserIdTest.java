package org.bollwerk.matrix.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.matrix.MatrixAssertions.assertMatrixError;

import org.bollwerk.matrix.ErrCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserIdTest {

    @Test
    void parsesLocalpartAndDomain() {
        UserId id = UserId.parse("@alice:example.org");
        assertThat(id.localpart()).isEqualTo("alice");
        assertThat(id.domain()).isEqualTo("example.org");
        assertThat(id).hasToString("@alice:example.org");
    }

    @Test
    void splitsAtTheFirstColonSoPortsStayInTheDomain() {
        UserId id = UserId.parse("@bob:[1234:5678::abcd]:8448");
        assertThat(id.localpart()).isEqualTo("bob");
        assertThat(id.domain()).isEqualTo("[1234:5678::abcd]:8448");
    }

    @ParameterizedTest
    @ValueSource(strings = {"@Alice:example.org", "@ü:example.org", "@a b:example.org", "@#x!:example.org", "@😀:example.org"})
    void acceptsHistoricalLocalpartsWhenParsing(String id) {
        UserId user = UserId.parse(id);
        assertThat(user).hasToString(id);
        assertThat(user.isCompliant()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "alice:example.org", "@alice", "@:example.org", "@alice:", "@alice:exa mple.org",
            "!alice:example.org", "@al\u0000ice:example.org", "@alice:example.org:99999"})
    void rejectsMalformedIdsWithInvalidParam(String id) {
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> UserId.parse(id)).hasMessageContaining("user ID");
    }

    @Test
    void rejectsNull() {
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> UserId.parse(null));
    }

    @Test
    void rejectsIdsLongerThan255Bytes() {
        String domain = ":example.org";
        String ok = "@" + "a".repeat(255 - 1 - domain.length()) + domain;
        assertThat(UserId.parse(ok).toString()).hasSize(255);
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> UserId.parse("@a" + ok.substring(1))).hasMessageContaining("255");
        // bytes, not chars: 'é' is two bytes
        String multibyte = "@" + "é".repeat(122) + domain;
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> UserId.parse(multibyte));
    }

    @Test
    void constructorValidatesToo() {
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> new UserId("a:b", "example.org"));
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> new UserId("a", "bad domain"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "a.b_c=d-e/f+g", "0123456789"})
    void acceptsNewLocalpartsFromTheCurrentGrammar(String localpart) {
        assertThat(UserId.isValidNewLocalpart(localpart)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Alice", "a b", "a:b", "ü", "a*", "a#", "a@b"})
    void refusesNewLocalpartsOutsideTheCurrentGrammar(String localpart) {
        assertThat(UserId.isValidNewLocalpart(localpart)).isFalse();
    }

    @Test
    void isValidAnswersWithoutThrowing() {
        assertThat(UserId.isValid("@a:b.c")).isTrue();
        assertThat(UserId.isValid("nope")).isFalse();
        assertThat(UserId.isValid(null)).isFalse();
    }

    @Test
    void equalityIsByValueAndCaseSensitive() {
        assertThat(UserId.parse("@a:example.org")).isEqualTo(new UserId("a", "example.org"));
        assertThat(UserId.parse("@a:example.org")).isNotEqualTo(UserId.parse("@a:EXAMPLE.org"));
    }
}

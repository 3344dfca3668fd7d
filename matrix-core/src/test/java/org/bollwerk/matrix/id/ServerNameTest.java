package org.bollwerk.matrix.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.matrix.MatrixAssertions.assertMatrixError;

import org.bollwerk.matrix.ErrCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerNameTest {

    // The spec's own examples plus a few more.
    @ParameterizedTest
    @ValueSource(strings = {"matrix.org", "matrix.org:8888", "1.2.3.4", "1.2.3.4:1234", "[1234:5678::abcd]",
            "[1234:5678::abcd]:5678", "localhost", "localhost:8008", "my-server.example.com", "[::1]", "[::ffff:1.2.3.4]:1"})
    void acceptsValidServerNames(String name) {
        assertThat(ServerName.isValid(name)).isTrue();
        assertThat(ServerName.validate(name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "exa mple.org", "example.org:", "example.org:0", "example.org:65536", "example.org:123456",
            "example.org:80a", "1.2.3.256", "[1234:5678::abcd", "[zz::1]", "[]", "[::1]x", "ex_ample.org", "é.org", ":80",
            "a:b:c"})
    void rejectsInvalidServerNames(String name) {
        assertThat(ServerName.isValid(name)).isFalse();
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> ServerName.validate(name)).hasMessageContaining("server name");
    }

    @org.junit.jupiter.api.Test
    void rejectsHostNamesLongerThan255Characters() {
        assertThat(ServerName.isValid("a".repeat(255))).isTrue();
        assertThat(ServerName.isValid("a".repeat(256))).isFalse();
        assertThat(ServerName.isValid(null)).isFalse();
    }
}

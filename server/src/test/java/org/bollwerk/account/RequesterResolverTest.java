package org.bollwerk.account;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequesterResolverTest {

    @Test
    void aTokenInTheQueryStringIsFoundHoweverItsNameIsSpelled() {
        assertThat(RequesterResolver.hasQueryToken("access_token=abc")).isTrue();
        assertThat(RequesterResolver.hasQueryToken("limit=1&access_token=abc")).isTrue();
        assertThat(RequesterResolver.hasQueryToken("access_token")).isTrue();
        assertThat(RequesterResolver.hasQueryToken("access_token=")).isTrue();
        assertThat(RequesterResolver.hasQueryToken("acc%65ss_token=abc")).isTrue();
        assertThat(RequesterResolver.hasQueryToken("access%5Ftoken=abc&x=%ZZ")).isTrue();
    }

    @Test
    void otherParametersAreNoToken() {
        assertThat(RequesterResolver.hasQueryToken(null)).isFalse();
        assertThat(RequesterResolver.hasQueryToken("")).isFalse();
        assertThat(RequesterResolver.hasQueryToken("x_access_token=abc&access_tokens=1&q=access_token")).isFalse();
    }
}

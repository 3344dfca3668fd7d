package org.bollwerk.web;

import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.RawHttp;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every response carries the hardening headers and no server banner: answers of controllers, of Spring's
 * error handling, and of Tomcat itself (requests it refuses before any filter runs).
 */
class SecurityHeadersIT extends ClientApiTestBase {

    @Test
    void apiResponsesCarryTheSecurityHeadersAndNoServerBanner() {
        assertHardened(raw().send("GET", "/_matrix/client/versions", Map.of(), null), 200);
    }

    @Test
    void errorAnswersOfSpringCarryThemToo() {
        RawHttp.Response notFound = raw().send("GET", "/_matrix/client/v3/no/such/endpoint", Map.of(), null);
        assertHardened(notFound, 404);
        assertThat(notFound.text()).contains("\"errcode\":\"M_UNRECOGNIZED\"");
    }

    @Test
    void requestsTomcatRefusesItselfGetAMatrixErrorAndTheHeaders() {
        RawHttp.Response traced = raw().send("TRACE", "/_matrix/client/versions", Map.of(), null);
        assertHardened(traced, 405);
        RawHttp.Response badEscape = raw().send("GET", "/_matrix/client/v3/rooms/%ZZ/state", Map.of(), null);
        assertHardened(badEscape, 400);
        assertThat(badEscape.text()).startsWith("{\"errcode\":\"M_").doesNotContain("Tomcat");
        RawHttp.Response hugeLine = raw().send("GET", "/_matrix/client/versions?x=" + "a".repeat(20_000), Map.of(), null);
        assertThat(hugeLine.status()).isBetween(400, 499);
        assertThat(hugeLine.text()).startsWith("{\"errcode\":\"M_").doesNotContain("Tomcat");
        assertThat(hugeLine.header("server")).isNull();
    }

    private void assertHardened(RawHttp.Response response, int status) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(response.header("referrer-policy")).isEqualTo("no-referrer");
        assertThat(response.header("x-frame-options")).isEqualTo("DENY");
        assertThat(response.header("content-security-policy")).isEqualTo("default-src 'none'; frame-ancestors 'none'");
        assertThat(response.header("server")).isNull();
        assertThat(response.header("x-powered-by")).isNull();
    }

    private RawHttp raw() {
        return new RawHttp(port);
    }
}

package org.bollwerk.ratelimit;

import org.bollwerk.testsupport.MatrixHttp;
import org.bollwerk.testsupport.MatrixHttp.Response;
import org.bollwerk.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "bollwerk.rate-limit.login-per-second=1",
        "bollwerk.rate-limit.login-burst=3"})
@DirtiesContext
class LoginRateLimitIT {
    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry, dataDir);
    }

    @LocalServerPort
    int port;

    @Test
    void hammeringLoginIsAnsweredWith429AndRetryAfter() {
        MatrixHttp http = new MatrixHttp(port);
        String user = MatrixHttp.uniqueLocalpart("guess");
        List<Response> responses = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            responses.add(http.send("POST", "/_matrix/client/v3/login", null, Map.of("type", "m.login.password",
                    "identifier", Map.of("type", "m.id.user", "user", user), "password", "guess-" + i)));
        }
        assertThat(responses.get(0).status()).isEqualTo(403);  // a wrong password, checked before the limit hit
        Response limited = responses.getLast();
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.errcode()).isEqualTo("M_LIMIT_EXCEEDED");
        assertThat(limited.json().get("retry_after_ms").asLong()).isBetween(1L, 1000L);
        assertThat(responses.stream().filter(r -> r.status() == 429).count()).isGreaterThanOrEqualTo(6);
    }
}

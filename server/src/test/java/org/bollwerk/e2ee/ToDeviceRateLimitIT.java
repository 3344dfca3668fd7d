package org.bollwerk.e2ee;

import org.bollwerk.account.AccountService;
import org.bollwerk.testsupport.MatrixHttp;
import org.bollwerk.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** sendToDevice with the rate limits on (the shared client-API test context runs without them). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "bollwerk.server-name=localhost",
        "bollwerk.rate-limit.to-device.messages-per-second=1",
        "bollwerk.rate-limit.to-device.messages-burst=5",
        "bollwerk.rate-limit.to-device.bytes-per-second=1000",
        "bollwerk.rate-limit.to-device.bytes-burst=20000"})
@DirtiesContext
class ToDeviceRateLimitIT {
    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry, dataDir);
    }

    @LocalServerPort
    int port;
    @Autowired
    AccountService accounts;

    private record User(String userId, String token) {
    }

    private User newUser(MatrixHttp http, String prefix) {
        String localpart = MatrixHttp.uniqueLocalpart(prefix);
        accounts.createUser("@" + localpart + ":localhost", "secret-" + localpart, prefix, false);
        return new User("@" + localpart + ":localhost", http.login(localpart, "secret-" + localpart));
    }

    private static Map<String, Object> to(User user, Object content) {
        return Map.of("messages", Map.of(user.userId(), Map.of("*", content)));
    }

    private static MatrixHttp.Response put(MatrixHttp http, User from, String txnId, Map<String, Object> body) {
        return http.send("PUT", "/_matrix/client/v3/sendToDevice/m.test/" + txnId, from.token(), body);
    }

    private static void limited(MatrixHttp.Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(429);
        assertThat(response.errcode()).isEqualTo("M_LIMIT_EXCEEDED");
    }

    @Test
    void aSenderBeyondItsMessageRateIsRefusedAndARetryOfTheSameRequestDeliversIt() {
        MatrixHttp http = new MatrixHttp(port);
        User alice = newUser(http, "alice");
        User bob = newUser(http, "bob");
        User carol = newUser(http, "carol");
        for (int i = 0; i < 5; i++) assertThat(put(http, alice, "m" + i, to(bob, Map.of("n", i))).status()).isEqualTo(200);
        MatrixHttp.Response refused = put(http, alice, "m5", to(bob, Map.of("n", 5)));
        limited(refused);
        assertThat(refused.json().get("retry_after_ms").asLong()).isBetween(1L, 1000L);
        assertThat(put(http, carol, "c0", to(bob, Map.of("n", "from carol"))).status()).isEqualTo(200);  // per sender

        long deadline = System.currentTimeMillis() + 10_000;
        MatrixHttp.Response retried = put(http, alice, "m5", to(bob, Map.of("n", 5)));
        while (retried.status() == 429 && System.currentTimeMillis() < deadline) {
            retried = put(http, alice, "m5", to(bob, Map.of("n", 5)));
        }
        assertThat(retried.status()).as(retried.text()).isEqualTo(200);
        JsonNode sync = http.get("/_matrix/client/v3/sync?timeout=0", bob.token()).json();
        int fromAlice = 0;
        for (JsonNode e : sync.path("to_device").path("events")) {
            if (e.path("sender").asString().equals(alice.userId())) fromAlice++;
        }
        assertThat(fromAlice).isEqualTo(6);  // each request once, the retried one included
    }

    @Test
    void aSenderBeyondItsVolumeIsRefusedEvenInFewMessages() {
        MatrixHttp http = new MatrixHttp(port);
        User alice = newUser(http, "alice");
        User bob = newUser(http, "bob");
        String big = "x".repeat(15_000);
        assertThat(put(http, alice, "v0", to(bob, Map.of("blob", big))).status()).isEqualTo(200);
        MatrixHttp.Response refused = put(http, alice, "v1", to(bob, Map.of("blob", big)));
        limited(refused);
        assertThat(refused.json().get("retry_after_ms").asLong()).isGreaterThan(1000L);
    }
}

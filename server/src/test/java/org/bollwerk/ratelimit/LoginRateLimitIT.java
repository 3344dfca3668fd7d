package org.bollwerk.ratelimit;

import org.bollwerk.account.AccountService;
import org.bollwerk.testsupport.MatrixHttp;
import org.bollwerk.testsupport.MatrixHttp.Response;
import org.bollwerk.testsupport.TestDatabase;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
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
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoginRateLimitIT {
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

    @Test
    @Order(1)   // first: it needs the address's bucket full, the tests below drain it
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

    /** The three places that re-check a password: password change, device deletion, cross-signing reset. */
    private static Response reCheck(MatrixHttp http, String endpoint, String token, String userId, String password) {
        Map<String, Object> auth = Map.of("type", "m.login.password", "identifier", Map.of("type", "m.id.user", "user", userId),
                "password", password);
        return switch (endpoint) {
            case "password" -> http.send("POST", "/_matrix/client/v3/account/password", token,
                    Map.of("auth", auth, "new_password", "a-new-password-1", "logout_devices", false));
            case "device" -> http.send("POST", "/_matrix/client/v3/delete_devices", token,
                    Map.of("auth", auth, "devices", List.of("OTHERDEVICE")));
            case "cross-signing" -> http.send("POST", "/_matrix/client/v3/keys/device_signing/upload", token,
                    Map.of("auth", auth, "master_key", masterKey(userId, "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA")));
            default -> throw new IllegalArgumentException(endpoint);
        };
    }

    private static Map<String, Object> masterKey(String userId, String publicKey) {
        return Map.of("user_id", userId, "usage", List.of("master"), "keys", Map.of("ed25519:" + publicKey, publicKey));
    }

    @Test
    void passwordReChecksOfUserInteractiveAuthAreThrottledLikeLogin() {
        MatrixHttp http = new MatrixHttp(port);
        for (String endpoint : List.of("password", "device", "cross-signing")) {
            String userId = "@" + MatrixHttp.uniqueLocalpart("uia") + ":localhost";
            accounts.createUser(userId, "right-password-1", null, false);
            String token = accounts.openSession(userId, "MAINDEVICE", null, "127.0.0.1").accessToken();
            accounts.openSession(userId, "OTHERDEVICE", null, "127.0.0.1");
            // a first master key needs no re-check; replacing it does
            assertThat(http.send("POST", "/_matrix/client/v3/keys/device_signing/upload", token,
                    Map.of("master_key", masterKey(userId, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))).status()).isEqualTo(200);

            List<Response> responses = new ArrayList<>();
            for (int i = 0; i < 10; i++) responses.add(reCheck(http, endpoint, token, userId, "guess-" + i));
            assertThat(responses.stream().filter(r -> r.status() == 429).count()).as(endpoint).isGreaterThanOrEqualTo(6);
            assertThat(responses.stream().filter(r -> r.status() != 429))
                    .allSatisfy(r -> assertThat(r.status()).as(endpoint + " " + r.text()).isEqualTo(401));
            Response limited = responses.getLast();
            assertThat(limited.errcode()).isEqualTo("M_LIMIT_EXCEEDED");
            assertThat(limited.json().get("retry_after_ms").asLong()).isBetween(1L, 1000L);
            // while throttled, even the right password is not checked; once the wait is over it is
            assertThat(reCheck(http, endpoint, token, userId, "right-password-1").status()).isEqualTo(429);
            long deadline = System.currentTimeMillis() + 10_000;
            Response after = reCheck(http, endpoint, token, userId, "right-password-1");
            while (after.status() == 429 && System.currentTimeMillis() < deadline) {
                sleep(after.json().get("retry_after_ms").asLong());   // as the server tells a client to

                after = reCheck(http, endpoint, token, userId, "right-password-1");
            }
            assertThat(after.status()).as(endpoint + " " + after.text()).isEqualTo(200);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void reChecksShareTheAddressBucketWithLogin() {
        MatrixHttp http = new MatrixHttp(port);
        String userId = "@" + MatrixHttp.uniqueLocalpart("uiaip") + ":localhost";
        accounts.createUser(userId, "right-password-1", null, false);
        String token = accounts.openSession(userId, "MAINDEVICE", null, "127.0.0.1").accessToken();
        for (int i = 0; i < 10; i++) reCheck(http, "password", token, userId, "guess-" + i);
        // another account from the same address: its own user bucket is full, the address bucket is not
        Response login = http.send("POST", "/_matrix/client/v3/login", null, Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", MatrixHttp.uniqueLocalpart("fresh")), "password", "x"));
        assertThat(login.status()).isEqualTo(429);
        assertThat(login.errcode()).isEqualTo("M_LIMIT_EXCEEDED");
    }
}

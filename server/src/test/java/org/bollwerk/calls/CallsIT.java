package org.bollwerk.calls;

import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TURN credentials checked by a real coturn (Debian's {@code coturn}, started here on a loopback UDP port
 * with {@code use-auth-secret}) through coturn's own test client, and the OpenID token round trip a call
 * service makes. CI installs coturn (.ci/run).
 */
class CallsIT extends ClientApiTestBase {
    private static final Path TURNSERVER = Path.of("/usr/bin/turnserver");
    private static final Path UCLIENT = Path.of("/usr/bin/turnutils_uclient");
    private static final String SECRET = "test-turn-secret-" + System.nanoTime();
    private static final long TTL_SECONDS = 6;
    private static final int TURN_PORT = freeUdpPort();
    private static Process coturn;
    private static Path coturnDir;

    @DynamicPropertySource
    static void turn(DynamicPropertyRegistry registry) {
        registry.add("bollwerk.turn.uris", () -> "turn:127.0.0.1:" + TURN_PORT + "?transport=udp");
        registry.add("bollwerk.turn.shared-secret", () -> SECRET);
        registry.add("bollwerk.turn.ttl", () -> TTL_SECONDS + "s");
        registry.add("bollwerk.livekit.service-url", () -> "https://rtc.example.org/livekit/jwt");
    }

    @BeforeAll
    static void startCoturn() throws Exception {
        assumeTrue(Files.isExecutable(TURNSERVER) && Files.isExecutable(UCLIENT),
                "SKIPPED: coturn is not installed (apt-get install coturn)");
        coturnDir = Files.createTempDirectory("bollwerk-coturn-");
        coturn = new ProcessBuilder(TURNSERVER.toString(), "-n", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1",
                "--listening-port=" + TURN_PORT, "--use-auth-secret", "--static-auth-secret=" + SECRET,
                "--realm=bollwerk.test", "--no-cli", "--no-tls", "--no-dtls", "--allow-loopback-peers",
                "--log-file=stdout", "--simple-log", "--pidfile=" + coturnDir.resolve("pid"),
                "--userdb=" + coturnDir.resolve("turndb"))
                .redirectErrorStream(true).redirectOutput(coturnDir.resolve("turnserver.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.readString(coturnDir.resolve("turnserver.log")).contains("Total General servers")) {
            assertThat(coturn.isAlive()).as("turnserver exited: " + Files.readString(coturnDir.resolve("turnserver.log"))).isTrue();
            assertThat(System.nanoTime()).as("turnserver did not open its listener").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stopCoturn() {
        if (coturn != null) coturn.destroy();
    }

    @Test
    void coturnAcceptsHandedOutCredentialsUntilTheyExpire() throws Exception {
        User alice = newUser("turn");
        JsonNode turn = ok(get(alice, "/voip/turnServer"));
        assertThat(turn.get("uris").get(0).asString()).isEqualTo("turn:127.0.0.1:" + TURN_PORT + "?transport=udp");
        assertThat(turn.get("ttl").asLong()).isEqualTo(TTL_SECONDS);
        String username = turn.get("username").asString();
        String password = turn.get("password").asString();
        assertThat(username).endsWith(":" + alice.userId());
        assertThat(turn.toString()).doesNotContain(SECRET);

        assertThat(allocate(username, password)).as("coturn allocates with fresh credentials").isZero();
        assertThat(allocate(username, password + "x")).as("a wrong password is refused").isNotZero();
        // The expiry in the name is covered by the HMAC: moving it forward does not extend the credential.
        long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
        assertThat(allocate((expiry + 3600) + username.substring(username.indexOf(':')), password)).isNotZero();

        long waitUntil = expiry * 1000 + 1000;
        while (System.currentTimeMillis() < waitUntil) Thread.sleep(200);  // the credential's own lifetime
        assertThat(allocate(username, password)).as("coturn refuses expired credentials").isNotZero();
    }

    @Test
    void turnServerNeedsAnAccessToken() {
        refused(http.get(V3 + "/voip/turnServer", null), 401, "M_MISSING_TOKEN");
    }

    @Test
    void openIdTokenTellsACallServiceWhoTheUserIsAndNothingElse() {
        User bob = newUser("oidc");
        JsonNode token = ok(post(bob, "/user/" + MatrixHttp.encode(bob.userId()) + "/openid/request_token", Map.of()));
        assertThat(token.get("token_type").asString()).isEqualTo("Bearer");
        assertThat(token.get("matrix_server_name").asString()).isEqualTo("localhost");
        assertThat(token.get("expires_in").asLong()).isEqualTo(3600);
        String openId = token.get("access_token").asString();

        JsonNode info = ok(http.get("/_matrix/federation/v1/openid/userinfo?access_token="
                + URLEncoder.encode(openId, StandardCharsets.UTF_8), null));
        assertThat(info.get("sub").asString()).isEqualTo(bob.userId());

        // It is not an access token: the client API does not take it.
        refused(http.get(V3 + "/account/whoami", openId), 401, "M_UNKNOWN_TOKEN");
        refused(http.get("/_matrix/federation/v1/openid/userinfo?access_token=nope", null), 401, "M_UNKNOWN_TOKEN");
        refused(http.get("/_matrix/federation/v1/openid/userinfo", null), 401, "M_MISSING_TOKEN");

        // A locked user's token no longer vouches for them.
        accounts.setLocked(bob.userId(), true);
        refused(http.get("/_matrix/federation/v1/openid/userinfo?access_token="
                + URLEncoder.encode(openId, StandardCharsets.UTF_8), null), 401, "M_UNKNOWN_TOKEN");
    }

    @Test
    void elementCallFindsTheLiveKitFocus() {
        User erin = newUser("rtc");
        JsonNode transports = ok(http.get("/_matrix/client/unstable/org.matrix.msc4143/rtc/transports", erin.token()));
        assertThat(transports.get("rtc_transports").get(0).get("type").asString()).isEqualTo("livekit");
        assertThat(transports.get("rtc_transports").get(0).get("livekit_service_url").asString())
                .isEqualTo("https://rtc.example.org/livekit/jwt");
    }

    @Test
    void openIdTokensAreOnlyForOneself() {
        User carol = newUser("oidc");
        User dave = newUser("oidc");
        refused(post(carol, "/user/" + MatrixHttp.encode(dave.userId()) + "/openid/request_token", Map.of()),
                403, "M_FORBIDDEN");
    }

    /** coturn's own client: an allocation and one relayed message; exit code 0 only if the server allowed it. */
    private static int allocate(String username, String password) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(UCLIENT.toString(), "-p", String.valueOf(TURN_PORT),
                "-u", username, "-w", password, "-n", "1", "-m", "1", "-y", "-c", "127.0.0.1"));
        Process client = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(client.waitFor(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS)).isTrue();
        return client.exitValue();
    }

    private static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

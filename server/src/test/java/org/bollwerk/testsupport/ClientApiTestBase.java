package org.bollwerk.testsupport;

import org.bollwerk.account.AccountService;
import org.bollwerk.storage.StreamNotifier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One real server (random port, its own database) shared by the client-API integration tests of
 * rooms, sync and accounts, with small helpers that speak the API as a client does.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ClientApiTestBase {
    protected static final String V3 = "/_matrix/client/v3";
    private static final AtomicLong TXN = new AtomicLong();

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("bollwerk.server-name", () -> "localhost");
        registry.add("bollwerk.rate-limit.enabled", () -> "false");
        registry.add("bollwerk.push.allowed-gateways", () -> TestPushGateway.URL);
    }

    @LocalServerPort
    protected int port;
    @Autowired
    protected AccountService accounts;
    protected MatrixHttp http;
    @Autowired
    private StreamNotifier longPolls;

    @org.junit.jupiter.api.BeforeEach
    void client() {
        http = new MatrixHttp(port);
    }

    /** A logged-in user with a fresh ID. */
    public record User(String userId, String token, String deviceId) {
    }

    protected User newUser(String prefix) {
        String localpart = MatrixHttp.uniqueLocalpart(prefix);
        accounts.createUser("@" + localpart + ":localhost", "secret-" + localpart, prefix, false);
        return login(localpart);
    }

    protected User login(String localpart) {
        MatrixHttp.Response response = http.send("POST", V3 + "/login", null, Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", localpart), "password", "secret-" + localpart));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        JsonNode body = response.json();
        return new User(body.get("user_id").asString(), body.get("access_token").asString(),
                body.get("device_id").asString());
    }

    protected String createRoom(User user, Object body) {
        MatrixHttp.Response response = http.send("POST", V3 + "/createRoom", user.token(), body);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json().get("room_id").asString();
    }

    protected String privateRoomWith(User owner, User... invitees) {
        List<String> ids = new ArrayList<>();
        for (User u : invitees) ids.add(u.userId());
        String roomId = createRoom(owner, Map.of("preset", "private_chat", "name", "Room", "invite", ids));
        for (User u : invitees) ok(post(u, "/join/" + MatrixHttp.encode(roomId), Map.of()));
        return roomId;
    }

    protected MatrixHttp.Response send(User user, String roomId, String body) {
        return send(user, roomId, "txn" + TXN.incrementAndGet(), Map.of("msgtype", "m.text", "body", body));
    }

    protected MatrixHttp.Response send(User user, String roomId, String txnId, Object content) {
        return http.send("PUT", V3 + "/rooms/" + MatrixHttp.encode(roomId) + "/send/m.room.message/" + txnId,
                user.token(), content);
    }

    protected MatrixHttp.Response get(User user, String path) {
        return http.get(V3 + path, user.token());
    }

    protected MatrixHttp.Response post(User user, String path, Object body) {
        return http.send("POST", V3 + path, user.token(), body);
    }

    protected MatrixHttp.Response put(User user, String path, Object body) {
        return http.send("PUT", V3 + path, user.token(), body);
    }

    protected static JsonNode ok(MatrixHttp.Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }

    protected static void refused(MatrixHttp.Response response, int status, String errcode) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.errcode()).as(response.text()).isEqualTo(errcode);
    }

    protected static String room(String roomId) {
        return "/rooms/" + MatrixHttp.encode(roomId);
    }

    /** How many long-polls wait now; pass it to {@link #awaitParkedLongPolls} before starting one. */
    protected int parkedLongPolls() {
        return longPolls.waitingCount();
    }

    /** Waits until more long-polls wait than {@code before} (the one just started has parked), at most 10 s. */
    protected void awaitParkedLongPolls(int before) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (longPolls.waitingCount() <= before) {
            assertThat(System.nanoTime()).as("a long-poll parked within 10 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /** Bodies of the room's messages as {@code user} sees them, oldest first. */
    protected List<String> messageBodies(User user, String roomId) {
        JsonNode chunk = ok(get(user, room(roomId) + "/messages?dir=b&limit=1000")).get("chunk");
        List<String> bodies = new ArrayList<>();
        for (JsonNode event : chunk) {
            if (event.path("type").asString().equals("m.room.message")) bodies.add(0, event.path("content").path("body").asString());
        }
        return bodies;
    }
}

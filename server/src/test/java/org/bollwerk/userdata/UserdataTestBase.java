package org.bollwerk.userdata;

import org.bollwerk.account.AccountService;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.testsupport.TestDatabase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real server on a random port with a fresh data directory (SQLite, or PostgreSQL via {@link TestDatabase}), shared by all integration tests of
 * the filter and userdata features (one Spring context), plus a small Matrix client for them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class UserdataTestBase {

    private static final Path DATA_DIR;
    private static final AtomicInteger USERS = new AtomicInteger();

    static {
        try {
            DATA_DIR = Files.createTempDirectory("bollwerk-userdata-it");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry, DATA_DIR);
        registry.add("bollwerk.server-name", () -> "localhost");
        registry.add("bollwerk.rate-limit.enabled", () -> "false");
        registry.add("bollwerk.push.allowed-gateways", () -> "https://push.example/_matrix/push/");
    }

    @LocalServerPort
    protected int port;

    @Autowired
    protected AccountService accounts;

    private final HttpClient http = HttpClient.newHttpClient();

    /** A logged-in user. */
    public record User(String userId, String token, String localpart) {
    }

    public record Response(int status, JsonNode body) {
        public String errcode() {
            return body.path("errcode").asString(null);
        }

        public Response assertOk() {
            assertThat(status).as("status of %s", body).isEqualTo(200);
            return this;
        }

        public Response assertError(int expectedStatus, String expectedErrcode) {
            assertThat(status).as("status of %s", body).isEqualTo(expectedStatus);
            assertThat(errcode()).isEqualTo(expectedErrcode);
            return this;
        }
    }

    /** Creates a fresh user with a unique localpart starting with {@code prefix} and logs it in. */
    protected User newUser(String prefix) {
        return newUser(prefix, null);
    }

    protected User newUser(String prefix, String displayName) {
        String localpart = prefix + "-" + USERS.incrementAndGet() + "-" + System.nanoTime() % 100000;
        String userId = "@" + localpart + ":localhost";
        accounts.createUser(userId, "secret-pass-1", displayName, false);
        Response login = post(null, "/_matrix/client/v3/login",
                "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"" + userId
                        + "\"},\"password\":\"secret-pass-1\"}").assertOk();
        return new User(userId, login.body().get("access_token").asString(), localpart);
    }

    protected static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    protected Response get(User user, String path) {
        return send(user, "GET", path, null);
    }

    protected Response put(User user, String path, String body) {
        return send(user, "PUT", path, body);
    }

    protected Response post(User user, String path, String body) {
        return send(user, "POST", path, body);
    }

    protected Response delete(User user, String path) {
        return send(user, "DELETE", path, null);
    }

    protected Response send(User user, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) request.header("Content-Type", "application/json");
        if (user != null) request.header("Authorization", "Bearer " + user.token());
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] bytes = response.body();
            JsonNode json = bytes.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(bytes);
            return new Response(response.statusCode(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected static ObjectNode object(String json) {
        return Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
    }
}

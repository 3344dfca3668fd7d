package org.bollwerk.bench;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The few Matrix client-server API calls the benchmark needs, over {@link HttpClient} (HTTP/1.1,
 * keep-alive). Nothing Bollwerk-specific except the Synapse-compatible admin API used to create users,
 * which Synapse, Dendrite and the Conduit line also offer (or users come from a pre-created list).
 */
final class MatrixClient {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** One response: HTTP status, parsed body (or null) and when it was fully received (System.nanoTime). */
    record Response(int status, JsonNode body, long receivedNanos) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    /** A failed call with the server's answer in the message. */
    static final class MatrixCallException extends RuntimeException {
        MatrixCallException(String message) {
            super(message);
        }
    }

    private final HttpClient http;
    private final String baseUrl;
    private volatile String accessToken;
    private volatile String userId;

    MatrixClient(HttpClient http, String baseUrl) {
        this.http = http;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    static HttpClient newHttpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    String userId() {
        return userId;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    Response call(String method, String path, Object body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout);
        if (accessToken != null) {
            b.header("Authorization", "Bearer " + accessToken);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            long received = System.nanoTime();
            JsonNode parsed = null;
            byte[] bytes = r.body();
            if (bytes != null && bytes.length > 0 && bytes[0] == '{') {
                parsed = JSON.readTree(bytes);
            }
            return new Response(r.statusCode(), parsed, received);
        } catch (IOException e) {
            throw new MatrixCallException(method + " " + path + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MatrixCallException(method + " " + path + " interrupted");
        }
    }

    Response call(String method, String path, Object body) {
        return call(method, path, body, Duration.ofSeconds(30));
    }

    private JsonNode expectOk(String what, Response r) {
        if (!r.ok()) {
            throw new MatrixCallException(what + " -> HTTP " + r.status() + " " + r.body());
        }
        return r.body();
    }

    boolean isUp() {
        try {
            return call("GET", "/_matrix/client/versions", null, Duration.ofSeconds(2)).ok();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** {@code m.login.password} with an {@code m.id.user} identifier; keeps the token for later calls. */
    MatrixClient login(String user, String password) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "m.login.password");
        body.putObject("identifier").put("type", "m.id.user").put("user", user);
        body.put("password", password);
        body.put("initial_device_display_name", "bollwerk-bench");
        JsonNode r = expectOk("login " + user, call("POST", "/_matrix/client/v3/login", body));
        this.accessToken = r.path("access_token").asString();
        this.userId = r.path("user_id").asString();
        return this;
    }

    /** Synapse-compatible admin API: create (or update) a user with a password. */
    void adminPutUser(String userId, String password, boolean admin) {
        ObjectNode body = JSON.createObjectNode();
        body.put("password", password);
        body.put("admin", admin);
        expectOk("create user " + userId, call("PUT", "/_synapse/admin/v2/users/" + enc(userId), body));
    }

    String createRoom(String preset, String... invite) {
        ObjectNode body = JSON.createObjectNode();
        body.put("preset", preset);
        body.put("name", "bench");
        var inv = body.putArray("invite");
        for (String u : invite) {
            inv.add(u);
        }
        return expectOk("createRoom", call("POST", "/_matrix/client/v3/createRoom", body)).path("room_id").asString();
    }

    void join(String roomId) {
        expectOk("join " + roomId, call("POST", "/_matrix/client/v3/join/" + enc(roomId), JSON.createObjectNode()));
    }

    /** {@code PUT /rooms/{roomId}/send/m.room.message/{txnId}}; the caller checks the status. */
    Response sendText(String roomId, String txnId, String body) {
        ObjectNode content = JSON.createObjectNode();
        content.put("msgtype", "m.text");
        content.put("body", body);
        return call("PUT", "/_matrix/client/v3/rooms/" + enc(roomId) + "/send/m.room.message/" + enc(txnId), content);
    }

    /** {@code GET /sync}; {@code since} may be null for an initial sync. */
    Response sync(String since, long timeoutMs, String filterJson) {
        StringBuilder q = new StringBuilder("/_matrix/client/v3/sync?timeout=").append(timeoutMs);
        if (since != null) {
            q.append("&since=").append(enc(since));
        }
        if (filterJson != null) {
            q.append("&filter=").append(enc(filterJson));
        }
        return call("GET", q.toString(), null, Duration.ofMillis(timeoutMs + 30_000));
    }

    /** Raw answer of a call: status, body bytes and when they were fully received (System.nanoTime). */
    record RawResponse(int status, byte[] body, long receivedNanos) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    /** A call whose body is sent and returned as bytes, so the hot paths of the load generator build no JSON trees. */
    RawResponse callRaw(String method, String path, byte[] body, Duration timeout) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                .header("Authorization", "Bearer " + accessToken);
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new RawResponse(r.statusCode(), r.body(), System.nanoTime());
    }

    /** {@code m.text} message whose body is plain ASCII without quotes or backslashes (no JSON escaping needed). */
    RawResponse sendPlainText(String roomId, String txnId, String asciiBody) throws IOException, InterruptedException {
        byte[] json = ("{\"msgtype\":\"m.text\",\"body\":\"" + asciiBody + "\"}").getBytes(StandardCharsets.US_ASCII);
        return callRaw("PUT", "/_matrix/client/v3/rooms/" + enc(roomId) + "/send/m.room.message/" + enc(txnId), json,
                Duration.ofSeconds(60));
    }

    /** {@code GET /sync} with a stored filter ID; the body is left unparsed. */
    RawResponse syncRaw(String since, long timeoutMs, String filterId) throws IOException, InterruptedException {
        StringBuilder q = new StringBuilder("/_matrix/client/v3/sync?timeout=").append(timeoutMs);
        if (since != null) {
            q.append("&since=").append(enc(since));
        }
        if (filterId != null) {
            q.append("&filter=").append(enc(filterId));
        }
        return callRaw("GET", q.toString(), null, Duration.ofMillis(timeoutMs + 60_000));
    }

    /** Uploads a filter ({@code POST /user/{userId}/filter}); returns its ID. */
    String uploadFilter(String filterJson) {
        JsonNode f = JSON.readTree(filterJson);
        return expectOk("filter", call("POST", "/_matrix/client/v3/user/" + enc(userId) + "/filter", f))
                .path("filter_id").asString();
    }

    /** The same account and access token over another HTTP client (e.g. one per scenario, closed afterwards). */
    MatrixClient withHttp(HttpClient other) {
        MatrixClient c = new MatrixClient(other, baseUrl);
        c.accessToken = accessToken;
        c.userId = userId;
        return c;
    }

    /** The same account and token against another base URL (e.g. 127.0.0.2: more loopback source ports). */
    MatrixClient withBaseUrl(String otherBaseUrl) {
        MatrixClient c = new MatrixClient(http, otherBaseUrl);
        c.accessToken = accessToken;
        c.userId = userId;
        return c;
    }

    String baseUrl() {
        return baseUrl;
    }

    String accessToken() {
        return accessToken;
    }

    HttpClient http() {
        return http;
    }

    JsonNode expectSync(String since, long timeoutMs, String filterJson) {
        return expectOk("sync", sync(since, timeoutMs, filterJson));
    }
}

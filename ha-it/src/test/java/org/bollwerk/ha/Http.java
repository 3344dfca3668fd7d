package org.bollwerk.ha;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** Plain Matrix client-server calls over java.net.http: what a client does, nothing Bollwerk-internal. */
final class Http {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    record Response(int status, JsonNode body) {
        boolean ok() {
            return status == 200;
        }
    }

    private Http() {
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** One call; an I/O failure or timeout is status -1 (the caller decides whether to retry). */
    static Response call(String method, String url, String token, Object body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<byte[]> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] bytes = r.body();
            JsonNode json = bytes.length > 0 && bytes[0] == '{' ? JSON.readTree(bytes) : null;
            return new Response(r.statusCode(), json);
        } catch (IOException e) {
            return new Response(-1, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(-1, null);
        }
    }

    /** A call that must succeed (setup), retried a few times through failures. */
    static JsonNode must(String method, String url, String token, Object body) {
        Response last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            last = call(method, url, token, body, Duration.ofSeconds(30));
            if (last.ok()) return last.body();
            sleep(500);
        }
        throw new AssertionError(method + " " + url + " failed: " + last.status() + " " + last.body());
    }

    static String login(String base, String user, String password) {
        JsonNode r = must("POST", base + "/_matrix/client/v3/login", null, Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", user), "password", password));
        return r.path("access_token").asString();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

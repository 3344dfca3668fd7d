package org.bollwerk.testsupport;

import org.bollwerk.matrix.json.Json;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/** Real HTTP calls against a test server on a random port, returning status and parsed JSON. */
public final class MatrixHttp {
    private final HttpClient client = HttpClient.newHttpClient();
    private final String base;

    public MatrixHttp(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public record Response(int status, String text, String contentType) {
        public JsonNode json() {
            return Json.MAPPER.readTree(text);
        }

        public String errcode() {
            return json().path("errcode").asString(null);
        }
    }

    public Response get(String path, String token) {
        return send("GET", path, token, null);
    }

    public Response send(String method, String path, String token, Object body) {
        HttpRequest.BodyPublisher publisher;
        if (body == null) publisher = HttpRequest.BodyPublishers.noBody();
        else if (body instanceof String raw) publisher = HttpRequest.BodyPublishers.ofString(raw);
        else publisher = HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).method(method, publisher);
        if (body != null) request.header("Content-Type", "application/json");
        if (token != null) request.header("Authorization", "Bearer " + token);
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(),
                    response.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends a request with the given {@code Host} header, as a client that reached the server under one of
     * its tenant domains would. Java's HttpClient refuses to set {@code Host}, so this speaks HTTP/1.0 over a
     * plain socket (no chunked responses, the server closes the connection).
     */
    public Response sendWithHost(String method, String path, String host, String token, Object body) {
        URI uri = URI.create(base);
        byte[] payload = body == null ? new byte[0] : body instanceof String raw ? raw.getBytes(StandardCharsets.UTF_8)
                : Json.MAPPER.writeValueAsBytes(body);
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.0\r\nHost: " + host + "\r\n");
        if (token != null) head.append("Authorization: Bearer ").append(token).append("\r\n");
        if (body != null) head.append("Content-Type: application/json\r\n");
        head.append("Content-Length: ").append(payload.length).append("\r\n\r\n");
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            var out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(payload);
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int headerEnd = response.indexOf("\r\n\r\n");
            String headers = response.substring(0, headerEnd);
            int status = Integer.parseInt(headers.split(" ", 3)[1]);
            String contentType = headers.lines().filter(l -> l.regionMatches(true, 0, "Content-Type:", 0, 13))
                    .map(l -> l.substring(13).trim()).findFirst().orElse("");
            return new Response(status, response.substring(headerEnd + 4), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Logs in with a password and returns the access token (fails the test if the login fails). */
    public String login(String user, String password) {
        Response response = send("POST", "/_matrix/client/v3/login", null, Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", user), "password", password));
        if (response.status() != 200) throw new AssertionError("login of " + user + " failed: " + response);
        return response.json().get("access_token").asString();
    }

    public static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A localpart no other test (or earlier run on a shared PostgreSQL) has used. */
    public static String uniqueLocalpart(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}

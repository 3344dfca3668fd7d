package org.bollwerk.testsupport;

import com.sun.net.httpserver.HttpServer;
import org.bollwerk.matrix.json.Json;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A push gateway on loopback implementing the Push Gateway API ({@code POST /_matrix/push/v1/notify}), as
 * Sygnal does, recording every notification it receives. Its port is fixed for the JVM so that the shared
 * test server can allow it ({@code bollwerk.push.allowed-gateways}) and so that it can go down and come back.
 */
public final class TestPushGateway {
    public static final int PORT = freePort();
    public static final String URL = "http://127.0.0.1:" + PORT + "/_matrix/push/v1/notify";

    private static HttpServer server;
    private static final List<JsonNode> RECEIVED = new CopyOnWriteArrayList<>();
    private static final Set<String> REJECTED = ConcurrentHashMap.newKeySet();

    private TestPushGateway() {
    }

    /** Starts listening (again); idempotent. */
    public static synchronized void start() {
        if (server != null) return;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", PORT), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/_matrix/push/v1/notify", exchange -> {
            JsonNode body = Json.MAPPER.readTree(exchange.getRequestBody().readAllBytes());
            RECEIVED.add(body);
            StringBuilder rejected = new StringBuilder();
            for (JsonNode device : body.path("notification").path("devices")) {
                String key = device.path("pushkey").asString("");
                if (REJECTED.contains(key)) rejected.append(rejected.isEmpty() ? "" : ",").append('"').append(key).append('"');
            }
            byte[] answer = ("{\"rejected\":[" + rejected + "]}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
    }

    /** Stops listening: connections are refused until {@link #start()}. */
    public static synchronized void stop() {
        if (server == null) return;
        server.stop(0);
        server = null;
    }

    /** The gateway answers that this pushkey is no longer valid. */
    public static void reject(String pushkey) {
        REJECTED.add(pushkey);
    }

    /** The notifications received for a pushkey so far (the {@code notification} objects). */
    public static List<JsonNode> receivedFor(String pushkey) {
        return RECEIVED.stream().map(b -> b.path("notification"))
                .filter(n -> n.path("devices").path(0).path("pushkey").asString("").equals(pushkey)).toList();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

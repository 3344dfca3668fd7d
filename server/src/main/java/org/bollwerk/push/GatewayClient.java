package org.bollwerk.push;

import org.bollwerk.matrix.json.Json;
import org.bollwerk.userdata.PushProperties;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;

/** Posts notifications to push gateways (Push Gateway API {@code /_matrix/push/v1/notify}) with timeouts. */
@Component
class GatewayClient {
    static final int MAX_ANSWER_BYTES = 64 * 1024;
    private final HttpClient http;
    private final PushProperties props;

    GatewayClient(PushProperties props) {
        this.props = props;
        this.http = HttpClient.newBuilder()
                .connectTimeout(props.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)  // a redirect could lead off the allow-list
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** What the gateway answered: {@code status} -1 when it could not be reached. */
    record Answer(int status, Set<String> rejected) {
        boolean delivered() {
            return status >= 200 && status < 300;
        }

        /** 4xx other than 429: the gateway will not take this notification, trying again is pointless. */
        boolean refused() {
            return status >= 400 && status < 500 && status != 429;
        }
    }

    Answer post(String url, ObjectNode body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(props.requestTimeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
        try {
            HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            Set<String> rejected = new HashSet<>();
            byte[] answerBytes;
            try (java.io.InputStream in = response.body()) {
                answerBytes = in.readNBytes(MAX_ANSWER_BYTES);  // the answer is tiny; never buffer a gateway's flood
            }
            if (response.statusCode() / 100 == 2) {
                try {
                    JsonNode answer = Json.MAPPER.readTree(answerBytes);
                    for (JsonNode key : answer.path("rejected")) if (key.isString()) rejected.add(key.asString());
                } catch (RuntimeException unreadable) {
                    // A 200 without a readable body still delivered the notification.
                }
            }
            return new Answer(response.statusCode(), rejected);
        } catch (IOException e) {
            return new Answer(-1, Set.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, Set.of());
        }
    }
}

package org.bollwerk.storage;

import com.zaxxer.hikari.HikariDataSource;
import org.bollwerk.testsupport.ClientApiTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When no pooled database connection frees up in time (a burst of requests, or the database away during
 * a failover), the client gets 503 with Retry-After and a Matrix error, and the next request works again.
 */
class DatabaseBusyIT extends ClientApiTestBase {
    @Autowired
    DataSources sources;

    @Test
    void aRequestThatGetsNoDatabaseConnectionInTimeIsAnswered503WithRetryAfter() throws Exception {
        User alice = newUser("busy");
        String roomId = createRoom(alice, java.util.Map.of("preset", "private_chat"));
        HikariDataSource reader = sources.reader();
        long timeout = reader.getConnectionTimeout();
        List<Connection> held = new ArrayList<>();
        HttpResponse<String> busy;
        try {
            reader.getHikariConfigMXBean().setConnectionTimeout(250);
            for (int i = 0; i < reader.getMaximumPoolSize(); i++) held.add(reader.getConnection());
            busy = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + V3 + room(roomId) + "/messages?dir=b&limit=5"))
                    .header("Authorization", "Bearer " + alice.token()).build(), HttpResponse.BodyHandlers.ofString());
        } finally {
            for (Connection c : held) c.close();
            reader.getHikariConfigMXBean().setConnectionTimeout(timeout);
        }
        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(busy.headers().firstValue("Retry-After")).contains("1");
        assertThat(busy.body()).contains("\"errcode\":\"M_UNKNOWN\"").doesNotContain("Exception").doesNotContain("at org.");
        ok(get(alice, room(roomId) + "/messages?dir=b&limit=5"));
    }
}

package org.bollwerk.keys;

import org.bollwerk.storage.Db;
import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** After a data key rotation the background job moves events, device names and media files to the new version. */
class ReencryptionIT extends ClientApiTestBase {
    private static final String JOB = "/_bollwerk/admin/v1/keys/reencryption";

    @DynamicPropertySource
    static void unencryptedRooms(DynamicPropertyRegistry registry) {
        registry.add("bollwerk.e2ee-default", () -> "off");
    }

    @Autowired
    Db db;
    @Autowired
    AtRestCipher cipher;
    @Autowired
    Environment environment;
    private final HttpClient client = HttpClient.newHttpClient();

    private User admin() {
        String localpart = MatrixHttp.uniqueLocalpart("op");
        accounts.createUser("@" + localpart + ":localhost", "secret-" + localpart, "Operator", true);
        return login(localpart);
    }

    @Test
    void onlyServerAdminsSeeOrStartTheJob() {
        User user = newUser("plain");
        refused(http.get(JOB, null), 401, "M_MISSING_TOKEN");
        refused(http.get(JOB, user.token()), 403, "M_FORBIDDEN");
        refused(http.send("POST", JOB, user.token(), Map.of()), 403, "M_FORBIDDEN");
    }

    @Test
    void afterARotationTheJobMovesEveryValueToTheNewVersionAndEverythingStaysReadable() throws Exception {
        User op = admin();
        String marker = "REENC-" + UUID.randomUUID();
        User alice = newUser("alice");
        String roomId = createRoom(alice, Map.of("preset", "private_chat", "name", marker + " room"));
        for (int i = 0; i < 5; i++) ok(send(alice, roomId, marker + " message " + i));
        ok(put(alice, "/devices/" + alice.deviceId(), Map.of("display_name", marker + " phone")));
        byte[] file = (marker + " the content of an uploaded file").getBytes(StandardCharsets.UTF_8);
        String mxc = upload(alice, file);
        String mediaId = mxc.substring(mxc.lastIndexOf('/') + 1);

        String accountData = "/user/" + MatrixHttp.encode(alice.userId()) + "/account_data/org.example.notes";
        ok(put(alice, accountData, Map.of("note", marker)));
        // a device name, account data and an event stored before encryption at rest existed (plain)
        db.write(() -> db.sql().sql("UPDATE account_data SET content = ? WHERE user_id = ? AND type = 'org.example.notes'")
                .params("{\"note\":\"" + marker + " legacy\"}", alice.userId()).update());
        db.write(() -> db.sql().sql("UPDATE devices SET display_name = ?, last_seen_ip = '10.1.2.3' WHERE user_id = ? "
                        + "AND device_id = ?")
                .params(marker + " legacy tablet", alice.userId(), alice.deviceId()).update());
        String plainEventId = db.sql().sql("SELECT event_id FROM events WHERE room_id = ? AND type = 'm.room.message' "
                + "ORDER BY stream_ordering LIMIT 1").param(roomId).query(String.class).single();
        byte[] stored = db.sql().sql("SELECT pdu FROM events WHERE event_id = ?").param(plainEventId)
                .query((rs, n) -> rs.getBytes(1)).single();
        byte[] plain = cipher.decrypt(stored, AtRestCipher.utf8(plainEventId));
        db.write(() -> db.sql().sql("UPDATE events SET pdu = ? WHERE event_id = ?").params(plain, plainEventId).update());

        String reportedEvent = db.sql().sql("SELECT event_id FROM events WHERE room_id = ? AND type = 'm.room.message' "
                + "ORDER BY stream_ordering DESC LIMIT 1").param(roomId).query(String.class).single();
        ok(post(alice, room(roomId) + "/report/" + MatrixHttp.encode(reportedEvent), Map.of("reason", marker + " report")));

        int version = ok(http.send("POST", "/_bollwerk/admin/v1/keys/tenants/default/rotate", op.token(), Map.of()))
                .get("current_version").asInt();
        assertThat(eventVersions(roomId)).doesNotContain(version);

        JsonNode started = ok(http.send("POST", JOB, op.token(), Map.of()));
        assertThat(started.get("state").asString()).isIn("running", "done");
        JsonNode progress = awaitJob(op);
        assertThat(progress.get("state").asString()).as(progress.toString()).isEqualTo("done");
        assertThat(progress.get("done").asLong()).isEqualTo(progress.get("total").asLong()).isGreaterThanOrEqualTo(8);
        assertThat(progress.get("sources").findValuesAsString("source")).contains("events", "device_names", "media",
                "account_data", "content_reports");

        assertThat(eventVersions(roomId)).containsOnly(version);
        String name = db.sql().sql("SELECT display_name FROM devices WHERE user_id = ? AND device_id = ?")
                .params(alice.userId(), alice.deviceId()).query(String.class).single();
        assertThat(name).startsWith(AtRestCipher.TEXT_PREFIX);
        assertThat(AtRestCipher.keyVersionOf(Base64.getDecoder().decode(name.substring(AtRestCipher.TEXT_PREFIX.length()))))
                .isEqualTo(version);
        assertThat(AtRestCipher.keyVersionOf(Files.readAllBytes(mediaFile(mediaId)))).isEqualTo(version);

        String reason = db.sql().sql("SELECT reason FROM content_reports WHERE event_id = ?").param(reportedEvent)
                .query(String.class).single();
        assertThat(AtRestCipher.keyVersionOf(Base64.getDecoder().decode(reason.substring(AtRestCipher.TEXT_PREFIX.length()))))
                .isEqualTo(version);
        assertThat(ok(http.get("/_bollwerk/admin/v1/tenants/default/reports", op.token())).get("reports")
                .findValuesAsString("reason")).contains(marker + " report");

        assertThat(db.sql().sql("SELECT content FROM account_data WHERE user_id = ? AND type = 'org.example.notes'")
                .param(alice.userId()).query(String.class).single()).startsWith(AtRestCipher.TEXT_PREFIX);

        // everything reads back through the API
        assertThat(ok(get(alice, accountData)).get("note").asString()).isEqualTo(marker + " legacy");
        JsonNode messages = ok(get(alice, room(roomId) + "/messages?dir=b&limit=50"));
        assertThat(messages.get("chunk").findValuesAsString("body").stream().filter(b -> b.startsWith(marker)).count())
                .isEqualTo(5);
        JsonNode device = ok(get(alice, "/devices/" + alice.deviceId()));
        assertThat(device.get("display_name").asString()).isEqualTo(marker + " legacy tablet");
        assertThat(device.get("last_seen_ip").asString()).isEqualTo("10.1.2.3");
        assertThat(db.sql().sql("SELECT last_seen_ip FROM devices WHERE user_id = ? AND device_id = ?")
                .params(alice.userId(), alice.deviceId()).query(String.class).single()).startsWith(AtRestCipher.TEXT_PREFIX);
        HttpResponse<byte[]> download = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/_matrix/client/v1/media/download/localhost/" + mediaId))
                .header("Authorization", "Bearer " + alice.token()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(file);

        // a second run finds nothing left to change and finishes too
        ok(http.send("POST", JOB, op.token(), Map.of()));
        assertThat(awaitJob(op).get("state").asString()).isEqualTo("done");
        assertThat(eventVersions(roomId)).containsOnly(version);
    }

    private JsonNode awaitJob(User op) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        JsonNode progress = ok(http.get(JOB, op.token()));
        while (progress.get("state").asString().equals("running") && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            progress = ok(http.get(JOB, op.token()));
        }
        return progress;
    }

    private List<Integer> eventVersions(String roomId) {
        return db.sql().sql("SELECT pdu FROM events WHERE room_id = ?").param(roomId)
                .query((rs, n) -> AtRestCipher.keyVersionOf(rs.getBytes(1))).list();
    }

    private Path mediaFile(String mediaId) throws IOException {
        Path root = Path.of(environment.getRequiredProperty("bollwerk.data-dir")).resolve("media");
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().equals(mediaId)).findFirst().orElseThrow();
        }
    }

    private String upload(User user, byte[] content) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/_matrix/media/v3/upload?filename=notes.txt"))
                .header("Authorization", "Bearer " + user.token()).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return tools.jackson.databind.json.JsonMapper.builder().build().readTree(response.body()).get("content_uri").asString();
    }
}

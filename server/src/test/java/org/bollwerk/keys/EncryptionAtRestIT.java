package org.bollwerk.keys;

import org.bollwerk.storage.Db;
import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What a stolen disk or backup shows: no message text, state content, uploaded file, account data or device name in plain. */
class EncryptionAtRestIT extends ClientApiTestBase {

    @DynamicPropertySource
    static void unencryptedRooms(DynamicPropertyRegistry registry) {
        registry.add("bollwerk.e2ee-default", () -> "off");
    }

    @Autowired
    Environment environment;
    @Autowired
    Db db;
    @Autowired
    org.bollwerk.search.SearchIndexer searchIndexer;

    @Test
    void messagesFilesAccountDataAndDeviceNamesLeaveNoPlaintextInTheDataDirectory() throws Exception {
        String marker = "PLAINTEXT-MARKER-" + UUID.randomUUID();
        User alice = newUser("alice");
        String roomId = createRoom(alice, Map.of("preset", "private_chat", "name", marker + "-room-name",
                "topic", marker + "-topic"));
        assertThat(ok(get(alice, room(roomId) + "/state")).toString()).doesNotContain("\"type\":\"m.room.encryption\"");
        for (int i = 0; i < 20; i++) ok(send(alice, roomId, marker + " message " + i));
        MatrixHttp.Response login = http.send("POST", V3 + "/login", null, Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", alice.userId()), "password",
                "secret-" + alice.userId().substring(1, alice.userId().indexOf(':')),
                "initial_device_display_name", marker + "-device"));
        ok(login);
        // an uploaded file and account data (e.g. whom a user chats with directly)
        byte[] uploaded = (marker + " content of an uploaded file").getBytes(StandardCharsets.UTF_8);
        java.net.http.HttpResponse<String> upload = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                                + "/_matrix/media/v3/upload?filename=notes.txt"))
                        .header("Authorization", "Bearer " + alice.token()).header("Content-Type", "application/octet-stream")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(uploaded)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
        ok(put(alice, "/user/" + MatrixHttp.encode(alice.userId()) + "/account_data/org.example.notes",
                Map.of("note", marker + " account data")));
        assertThat(ok(get(alice, "/user/" + MatrixHttp.encode(alice.userId()) + "/account_data/org.example.notes"))
                .get("note").asString()).isEqualTo(marker + " account data");

        // everything still reads back in plain through the API
        assertThat(messageBodies(alice, roomId)).hasSize(20).allMatch(body -> body.startsWith(marker));
        assertThat(ok(get(alice, "/devices")).toString()).contains(marker + "-device");

        // the search index has the messages' words, but only as keyed hashes: no word, and not an unkeyed hash
        searchIndexer.catchUp();
        assertThat(ok(post(alice, "/search", Map.of("search_categories", Map.of("room_events",
                Map.of("search_term", "message", "filter", Map.of("limit", 50))))))
                .at("/search_categories/room_events/results")).hasSize(20);
        assertSearchIndexHoldsNoWords(roomId, List.of("message", "plaintext", "marker", "topic", "name"));

        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        Path dataDir = Path.of(environment.getRequiredProperty("bollwerk.data-dir"));
        List<String> leaks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (indexOf(Files.readAllBytes(file), needle) >= 0) leaks.add(file.toString());
            }
        }
        assertThat(leaks).as("files containing the plaintext marker").isEmpty();
        // PostgreSQL keeps the database outside the data directory: look at the stored rows themselves
        List<byte[]> pdus = db.sql().sql("SELECT pdu FROM events WHERE room_id = ?").param(roomId)
                .query((rs, n) -> rs.getBytes(1)).list();
        assertThat(pdus).hasSizeGreaterThan(20).allMatch(pdu -> indexOf(pdu, needle) < 0 && AtRestCipher.isEncrypted(pdu));
        List<String> names = db.sql().sql("SELECT display_name FROM devices WHERE user_id = ?").param(alice.userId())
                .query(String.class).list();
        assertThat(names).noneMatch(name -> name != null && name.contains(marker));
        // the last-seen IP address of a device is personal data too
        assertThat(ok(get(alice, "/devices")).toString()).contains("\"last_seen_ip\":\"127.0.0.1\"");
        List<String> ips = db.sql().sql("SELECT last_seen_ip FROM devices WHERE user_id = ?").param(alice.userId())
                .query(String.class).list();
        assertThat(ips).isNotEmpty().allMatch(ip -> ip.startsWith("enc1:") && !ip.contains("127.0.0.1"));
        List<String> accountData = db.sql().sql("SELECT content FROM account_data WHERE user_id = ?").param(alice.userId())
                .query(String.class).list();
        assertThat(accountData).isNotEmpty().allMatch(content -> !content.contains(marker) && content.startsWith("enc1:"));
    }

    private void assertSearchIndexHoldsNoWords(String roomId, List<String> words) throws Exception {
        List<Long> hashes = db.sql().sql("SELECT token_hash FROM search_tokens WHERE room_ref = ?").param(org.bollwerk.search.SearchIndexer.roomRef(roomId))
                .query(Long.class).list();
        assertThat(hashes).as("index rows of the room").hasSizeGreaterThan(20);
        List<String> columns = db.sql().sql("SELECT CAST(token_hash AS TEXT) || ' ' || CAST(field AS TEXT) FROM search_tokens "
                + "WHERE room_ref = ?").param(org.bollwerk.search.SearchIndexer.roomRef(roomId)).query(String.class).list();
        for (String word : words) {
            assertThat(columns).noneMatch(c -> c.toLowerCase().contains(word));
            byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(word.getBytes(StandardCharsets.UTF_8));
            long unkeyed = java.nio.ByteBuffer.wrap(sha).getLong();
            assertThat(hashes).as("unkeyed hash of " + word).doesNotContain(unkeyed);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}

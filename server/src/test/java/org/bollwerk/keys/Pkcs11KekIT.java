package org.bollwerk.keys;

import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key-encryption key in an HSM: a fresh SoftHSM2 token per test, servers in their own processes
 * (SoftHSM2 reads {@code SOFTHSM2_CONF} once per process).
 */
class Pkcs11KekIT {
    private static final Path LIBRARY = List.of(Path.of("/usr/lib/softhsm/libsofthsm2.so"),
                    Path.of("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")).stream()
            .filter(Files::exists).findFirst().orElse(null);
    private static final String PIN = "user-pin-4711";
    private static final String ADMIN_PASSWORD = "admin-secret-42";

    @TempDir
    Path dir;
    Path dataDir;
    Map<String, String> env;
    List<String> database;

    @BeforeEach
    void freshToken() throws Exception {
        Assumptions.assumeTrue(LIBRARY != null, "SKIPPED: libsofthsm2.so is not installed (apt-get install softhsm2); "
                + "the PKCS#11 test needs it");
        Path tokens = Files.createDirectories(dir.resolve("tokens"));
        Path conf = dir.resolve("softhsm2.conf");
        Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        env = Map.of("SOFTHSM2_CONF", conf.toString());
        ProcessBuilder init = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", "bollwerk-test",
                "--pin", PIN, "--so-pin", "so-pin-0815").redirectErrorStream(true);
        init.environment().putAll(env);
        Process process = init.start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0).as(out).isTrue();
        Files.writeString(dir.resolve("pin"), PIN + "\n");
        dataDir = Files.createDirectories(dir.resolve("data"));
        database = ServerProcess.database();
    }

    private List<String> pkcs11(String pinFile, String label) {
        List<String> settings = new ArrayList<>(List.of("bollwerk.keys.provider=pkcs11",
                "bollwerk.keys.pkcs11.library=" + LIBRARY, "bollwerk.keys.pkcs11.pin-file=" + pinFile,
                "bollwerk.keys.pkcs11.key-label=" + label, "bollwerk.keys.kek-file=" + dir.resolve("kek.key"),
                "bollwerk.admin.user=admin", "bollwerk.admin.password=" + ADMIN_PASSWORD));
        settings.addAll(database);
        return settings;
    }

    private ServerProcess start(List<String> settings) throws Exception {
        StringBuilder failure = new StringBuilder();
        ServerProcess server = ServerProcess.start(dataDir, env, settings, failure);
        assertThat(server).as("server failed to start:\n" + failure).isNotNull();
        return server;
    }

    private String refusal(List<String> settings) throws Exception {
        StringBuilder failure = new StringBuilder();
        ServerProcess server = ServerProcess.start(dataDir, env, settings, failure);
        if (server != null) {
            server.close();
            throw new AssertionError("the server started, but should have refused");
        }
        return failure.toString();
    }

    @Test
    void eventsWrittenUnderAnHsmKeyAreReadAfterARestartAndAWrongPinOrMissingKeyRefusesAndChangesNothing() throws Exception {
        String marker = "HSM-MARKER-" + UUID.randomUUID();
        String roomId;
        try (ServerProcess first = start(pkcs11(dir.resolve("pin").toString(), "bollwerk-kek"))) {
            String token = first.http.login("admin", ADMIN_PASSWORD);
            JsonNode keys = first.http.get("/_bollwerk/admin/v1/keys", token).json();
            assertThat(keys.get("kek").get("source").asString()).contains("PKCS#11 key 'bollwerk-kek'");
            assertThat(keys.get("kek").get("id").asString()).startsWith("p11-");
            roomId = sendMessages(first.http, token, marker, 5);
            MatrixHttp.Response rotate = first.http.send("POST", "/_bollwerk/admin/v1/keys/kek/rotate", token, Map.of());
            assertThat(rotate.status()).isEqualTo(400);
            assertThat(rotate.errcode()).isEqualTo("M_INVALID_PARAM");
            assertThat(first.output()).doesNotContain(PIN);
        }
        assertThat(dir.resolve("kek.key")).doesNotExist();
        Map<String, String> keysBefore = keyRows();
        assertThat(keysBefore).isNotEmpty().allSatisfy((k, kekId) -> assertThat(kekId).startsWith("p11-"));

        Files.writeString(dir.resolve("wrong-pin"), "not-the-pin-1234\n");
        String wrongPin = refusal(pkcs11(dir.resolve("wrong-pin").toString(), "bollwerk-kek"));
        assertThat(wrongPin).contains("cannot log in to the PKCS#11 key 'bollwerk-kek'").contains("Nothing was changed")
                .doesNotContain("not-the-pin-1234");
        assertThat(keyRows()).isEqualTo(keysBefore);

        String missingKey = refusal(pkcs11(dir.resolve("pin").toString(), "another-label"));
        assertThat(missingKey).contains("the PKCS#11 key 'another-label'").contains("does not exist")
                .contains("nothing was changed");
        assertThat(keyRows()).isEqualTo(keysBefore);

        try (ServerProcess again = start(pkcs11(dir.resolve("pin").toString(), "bollwerk-kek"))) {
            String token = again.http.login("admin", ADMIN_PASSWORD);
            assertThat(bodies(again.http, token, roomId)).hasSize(5).allMatch(b -> b.startsWith(marker));
        }
    }

    @Test
    void aServerMovesFromTheKeyFileIntoTheHsmByRewrappingItsDataKeys() throws Exception {
        String marker = "MOVED-MARKER-" + UUID.randomUUID();
        List<String> fileSettings = new ArrayList<>(List.of("bollwerk.keys.kek-file=" + dir.resolve("kek.key"),
                "bollwerk.admin.user=admin", "bollwerk.admin.password=" + ADMIN_PASSWORD));
        fileSettings.addAll(database);
        String roomId;
        try (ServerProcess onFile = start(fileSettings)) {
            String token = onFile.http.login("admin", ADMIN_PASSWORD);
            roomId = sendMessages(onFile.http, token, marker, 3);
        }
        assertThat(keyRows().values()).noneMatch(id -> id.startsWith("p11-"));

        try (ServerProcess moved = start(pkcs11(dir.resolve("pin").toString(), "bollwerk-kek"))) {
            assertThat(moved.output()).contains("kek-migrate");
            String token = moved.http.login("admin", ADMIN_PASSWORD);
            assertThat(bodies(moved.http, token, roomId)).hasSize(3).allMatch(b -> b.startsWith(marker));
        }
        assertThat(keyRows().values()).isNotEmpty().allMatch(id -> id.startsWith("p11-"));

        Files.move(dir.resolve("kek.key"), dir.resolve("kek.key.destroyed"));  // the HSM alone now suffices
        try (ServerProcess hsmOnly = start(pkcs11(dir.resolve("pin").toString(), "bollwerk-kek"))) {
            String token = hsmOnly.http.login("admin", ADMIN_PASSWORD);
            assertThat(bodies(hsmOnly.http, token, roomId)).hasSize(3).allMatch(b -> b.startsWith(marker));
        }
    }

    private static String sendMessages(MatrixHttp http, String token, String marker, int count) {
        MatrixHttp.Response created = http.send("POST", "/_matrix/client/v3/createRoom", token,
                Map.of("preset", "private_chat", "name", marker + " room"));
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        String roomId = created.json().get("room_id").asString();
        for (int i = 0; i < count; i++) {
            MatrixHttp.Response sent = http.send("PUT", "/_matrix/client/v3/rooms/" + MatrixHttp.encode(roomId)
                    + "/send/m.room.message/t" + i, token, Map.of("msgtype", "m.text", "body", marker + " " + i));
            assertThat(sent.status()).as(sent.text()).isEqualTo(200);
        }
        return roomId;
    }

    private static List<String> bodies(MatrixHttp http, String token, String roomId) {
        MatrixHttp.Response messages = http.get("/_matrix/client/v3/rooms/" + MatrixHttp.encode(roomId)
                + "/messages?dir=b&limit=100", token);
        assertThat(messages.status()).as(messages.text()).isEqualTo(200);
        List<String> bodies = new ArrayList<>();
        for (JsonNode event : messages.json().get("chunk")) {
            if (event.get("type").asString().equals("m.room.message")) bodies.add(event.get("content").get("body").asString());
        }
        return bodies;
    }

    /** tenant/version -> KEK ID of every stored data key. */
    private Map<String, String> keyRows() throws SQLException, IOException {
        Map<String, String> rows = new HashMap<>();
        try (Connection c = ServerProcess.connect(dataDir, database);
             ResultSet rs = c.createStatement().executeQuery("SELECT tenant_id, version, kek_id, wrapped_key FROM at_rest_keys")) {
            while (rs.next()) {
                rows.put(rs.getString(1) + "/v" + rs.getInt(2), rs.getString(3) + ":" + java.util.HexFormat.of()
                        .formatHex(rs.getBytes(4)));
            }
        }
        return rows;
    }
}

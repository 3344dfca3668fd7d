package org.bollwerk.keys;

import org.bollwerk.BollwerkApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Starts and restarts whole servers on one data directory to see what happens to the key file. */
class KeyStartupIT {

    static ConfigurableApplicationContext start(Path dataDir, String... more) {
        List<String> props = new ArrayList<>(List.of("bollwerk.data-dir=" + dataDir, "server.port=0",
                "bollwerk.rate-limit.enabled=false"));
        props.addAll(List.of(more));
        // server.port also as an argument: application.properties (SERVER_PORT, default 8008) outranks default
        // properties, and 8008 may be taken on a shared machine
        return new SpringApplicationBuilder(BollwerkApplication.class).properties(props.toArray(String[]::new))
                .run("--server.port=0");
    }

    /** On PostgreSQL every context gets a fresh schema; a restart must reuse the first one. */
    static String[] sameDatabase(ConfigurableApplicationContext context) {
        String url = context.getEnvironment().getProperty("bollwerk.database.url", "");
        if (url.isEmpty()) return new String[0];
        return new String[]{"bollwerk.database.url=" + url,
                "bollwerk.database.user=" + context.getEnvironment().getProperty("bollwerk.database.user", "")};
    }

    @Test
    void aRestartWithTheSameKeyReadsEverythingAndARestartWithoutItRefusesAndChangesNothing(@TempDir Path dir) throws Exception {
        Path kek = dir.resolve("keys/kek.key");
        byte[] value;
        String[] db;
        try (ConfigurableApplicationContext first = start(dir)) {
            value = first.getBean(AtRestCipher.class).encrypt("default", "survives restarts", "row");
            db = sameDatabase(first);
        }
        assertThat(kek).exists();
        String keyText = Files.readString(kek);

        try (ConfigurableApplicationContext second = start(dir, db)) {
            assertThat(new String(second.getBean(AtRestCipher.class).decrypt("default", value, "row".getBytes())))
                    .isEqualTo("survives restarts");
        }

        Files.move(kek, dir.resolve("kek.backup"));
        assertThatThrownBy(() -> start(dir, db).close())
                .hasStackTraceContaining("key file " + kek)
                .hasStackTraceContaining("Restore the key file");
        assertThat(kek).doesNotExist();

        Files.writeString(kek, "bollwerk-kek-v1:" + java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        assertThatThrownBy(() -> start(dir, db).close()).hasStackTraceContaining("wrong key-encryption key");
        Files.delete(kek);

        Files.move(dir.resolve("kek.backup"), kek);
        assertThat(Files.readString(kek)).isEqualTo(keyText);
        try (ConfigurableApplicationContext restored = start(dir, db)) {
            assertThat(new String(restored.getBean(AtRestCipher.class).decrypt("default", value, "row".getBytes())))
                    .isEqualTo("survives restarts");
        }
    }

    @Test
    void theKeyFileMayLiveOutsideTheDataDirectory(@TempDir Path dir) {
        Path outside = dir.resolve("secrets/bollwerk.kek");
        try (ConfigurableApplicationContext context = start(dir.resolve("data"), "bollwerk.keys.kek-file=" + outside)) {
            assertThat(outside).exists();
            assertThat(dir.resolve("data/keys/kek.key")).doesNotExist();
            assertThat(context.getBean(KeyAdministration.class).kekSource()).contains(outside.toString());
        }
    }

    @Test
    void aReencryptionJobInterruptedByAShutdownResumesAfterTheRestart(@TempDir Path dir) throws Exception {
        String[] db;
        String roomId;
        int version;
        String[] admin = {"bollwerk.admin.user=admin", "bollwerk.admin.password=admin-secret-1"};
        try (ConfigurableApplicationContext first = start(dir, admin)) {
            db = sameDatabase(first);
            org.bollwerk.testsupport.MatrixHttp http = new org.bollwerk.testsupport.MatrixHttp(
                    Integer.parseInt(first.getEnvironment().getRequiredProperty("local.server.port")));
            String token = http.login("admin", "admin-secret-1");
            roomId = http.send("POST", "/_matrix/client/v3/createRoom", token, java.util.Map.of("name", "resumed"))
                    .json().get("room_id").asString();
            for (int i = 0; i < 3; i++) {
                http.send("PUT", "/_matrix/client/v3/rooms/" + org.bollwerk.testsupport.MatrixHttp.encode(roomId)
                        + "/send/m.room.message/r" + i, token, java.util.Map.of("msgtype", "m.text", "body", "resume " + i));
            }
            version = first.getBean(KeyAdministration.class).rotateDataKey("default", "test");
            // what a shutdown in the middle of a run leaves behind: sources still marked running
            org.bollwerk.storage.Db store = first.getBean(org.bollwerk.storage.Db.class);
            store.write(() -> {
                for (String source : List.of("events", "device_names", "media")) {
                    store.sql().sql("INSERT INTO at_rest_reencryption (source, cursor, done, total, state, started_ts) "
                            + "VALUES (?, NULL, 0, 1, 'running', 1)").param(source).update();
                }
            });
        }
        List<String> settings = new ArrayList<>(List.of(db));
        settings.addAll(List.of(admin));
        try (ConfigurableApplicationContext second = start(dir, settings.toArray(String[]::new))) {
            ReencryptionJob job = second.getBean(ReencryptionJob.class);
            long deadline = System.currentTimeMillis() + 60_000;
            while (!job.progress().state().equals("done") && System.currentTimeMillis() < deadline) Thread.sleep(100);
            assertThat(job.progress().state()).isEqualTo("done");
            org.bollwerk.storage.Db store = second.getBean(org.bollwerk.storage.Db.class);
            List<Integer> versions = store.sql().sql("SELECT pdu FROM events WHERE room_id = ?").param(roomId)
                    .query((rs, n) -> AtRestCipher.keyVersionOf(rs.getBytes(1))).list();
            assertThat(versions).isNotEmpty().containsOnly(version);
        }
    }
}

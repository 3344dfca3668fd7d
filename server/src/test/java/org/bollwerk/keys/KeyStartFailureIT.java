package org.bollwerk.keys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator sees at start, in a server process of its own: one summary line once it is ready, and a
 * missing key file ending the start in Spring Boot's short "Description / Action" block, not a stack trace.
 */
class KeyStartFailureIT {
    @TempDir
    Path dir;

    @Test
    void aReadyServerSaysWhereItListensAndAMissingKeyFileEndsTheStartInAShortReport() throws Exception {
        Path dataDir = Files.createDirectories(dir.resolve("data"));
        Path keyFile = dir.resolve("keys").resolve("kek.key");
        List<String> settings = new ArrayList<>(List.of("bollwerk.keys.kek-file=" + keyFile));
        List<String> database = ServerProcess.database();
        settings.addAll(database);

        StringBuilder failure = new StringBuilder();
        String firstOutput;
        try (ServerProcess first = ServerProcess.start(dataDir, Map.of(), settings, failure)) {
            assertThat(first).as("server failed to start:\n" + failure).isNotNull();
            firstOutput = first.output();
            assertThat(firstOutput).contains("Bollwerk ready: server name localhost; client API http://",
                    ":" + first.port + "; admin listener off", "; key provider file " + keyFile);
            assertThat(firstOutput).contains(database.isEmpty() ? "; database sqlite " : "; database postgresql ");
            assertThat(firstOutput).doesNotContain("password=");
        }
        Files.move(keyFile, dir.resolve("kek.key.elsewhere"));

        StringBuilder refused = new StringBuilder();
        ServerProcess second = ServerProcess.start(dataDir, Map.of(), settings, refused);
        if (second != null) {
            second.close();
            throw new AssertionError("the server started without its key file");
        }
        String report = refused.toString();
        assertThat(report).contains("APPLICATION FAILED TO START", "Description:", "does not exist, but the database holds",
                "Action:", "Restore the key file from your key backup");
        assertThat(report).as("no stack trace").doesNotContain("\tat org.bollwerk", "\tat org.springframework");
    }
}

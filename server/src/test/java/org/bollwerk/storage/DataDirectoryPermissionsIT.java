package org.bollwerk.storage;

import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.RawHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing under the data directory is readable by other local users (issue 24): after the server has written its
 * database (SQLite: the file, -wal and -shm, which SQLite creates itself with 0644 minus the umask unless the
 * database file says otherwise), its key file and media, every directory is 0700 and every file 0600.
 */
class DataDirectoryPermissionsIT extends ClientApiTestBase {
    @Autowired
    Environment environment;

    @Test
    void everyDirectoryUnderTheDataDirectoryIs0700AndEveryFile0600() throws IOException {
        User alice = newUser("perm");
        send(alice, createRoom(alice, Map.of("name", "Permissions")), "written to the database and its WAL");
        RawHttp.Response upload = new RawHttp(port).send("POST", "/_matrix/media/v3/upload?filename=p.txt",
                Map.of("Authorization", "Bearer " + alice.token(), "Content-Type", "text/plain"),
                "media at rest".getBytes(StandardCharsets.UTF_8));
        assertThat(upload.status()).as(upload.text()).isEqualTo(200);

        Path dataDir = Path.of(environment.getRequiredProperty("bollwerk.data-dir"));
        List<String> wide = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.forEach(path -> {
                try {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
                    String expected = Files.isDirectory(path) ? "rwx------" : "rw-------";
                    seen.add(dataDir.relativize(path).toString());
                    if (!mode.equals(expected)) wide.add(dataDir.relativize(path) + " " + mode);
                } catch (NoSuchFileException e) {
                    // a temporary file that went away meanwhile
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        assertThat(seen).as("what the server wrote").contains("media", "keys/kek.key");
        if (!environment.getProperty("bollwerk.database.url", "").startsWith("jdbc:postgresql")) {
            assertThat(seen).contains("bollwerk.db", "bollwerk.db-wal", "bollwerk.db-shm");
        }
        assertThat(wide).as("paths readable by others in " + seen).isEmpty();
    }
}

package org.bollwerk.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class PrivateFilesTest {
    @TempDir
    Path tmp;

    @Test
    void newDirectoriesAndTheirMissingParentsAre0700AndNewFiles0600() throws Exception {
        Path dir = PrivateFiles.directory(tmp.resolve("a/b/c"));
        assertThat(mode(tmp.resolve("a"))).isEqualTo("rwx------");
        assertThat(mode(tmp.resolve("a/b"))).isEqualTo("rwx------");
        assertThat(mode(dir)).isEqualTo("rwx------");
        PrivateFiles.file(dir.resolve("bollwerk.db"));
        assertThat(mode(dir.resolve("bollwerk.db"))).isEqualTo("rw-------");
    }

    @Test
    void whatAnOlderVersionOrAPermissiveUmaskLeftWorldReadableIsNarrowed() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("data"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path db = Files.createFile(dir.resolve("bollwerk.db"));
        Path wal = Files.createFile(dir.resolve("bollwerk.db-wal"));
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setPosixFilePermissions(wal, PosixFilePermissions.fromString("rw-r--r--"));
        PrivateFiles.directory(dir);
        PrivateFiles.file(db);
        PrivateFiles.narrowFile(wal);
        PrivateFiles.narrowFile(dir.resolve("absent"));
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(mode(db)).isEqualTo("rw-------");
        assertThat(mode(wal)).isEqualTo("rw-------");
        assertThat(dir.resolve("absent")).doesNotExist();
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}

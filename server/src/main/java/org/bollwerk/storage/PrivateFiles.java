package org.bollwerk.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and directories under the data directory are the server's alone (issue 24: the database holds password
 * hashes, the key file the key-encryption key): directories 0700, files 0600, set explicitly at creation so the
 * process umask cannot widen them, and narrowed at start-up where an older version left them wider. On a file
 * system without POSIX permissions (Windows) nothing is changed: there the directory's ACL protects.
 */
public final class PrivateFiles {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PrivateFiles.class);
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** Creates {@code dir} and any missing parents as 0700; an existing {@code dir} is narrowed to 0700. */
    public static Path directory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            narrow(dir, DIRECTORY);
            return dir;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null && !Files.exists(parent)) directory(parent);
        try {
            if (posix(parent)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) throw e;   // another thread was first
        }
        return dir;
    }

    /** Creates an empty {@code file} as 0600 if it does not exist; an existing one is narrowed to 0600. */
    public static void file(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createFile(file, fileAttribute(file.toAbsolutePath().getParent()));
            } catch (FileAlreadyExistsException e) {
                // created meanwhile; narrowed below
            }
        }
        narrow(file, FILE);
    }

    /** Narrows an existing file to 0600 (no-op if absent). */
    public static void narrowFile(Path file) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) narrow(file, FILE);
    }

    /** The attribute a new private file is created with, for {@code Files.createFile}/{@code createTempFile}. */
    public static FileAttribute<?>[] fileAttribute(Path parent) {
        return posix(parent) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    /** Narrows to {@code wanted}; where that is not ours to do (another owner), says so and goes on. */
    private static void narrow(Path path, Set<PosixFilePermission> wanted) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) return;
        Set<PosixFilePermission> now = view.readAttributes().permissions();
        if (now.equals(wanted)) return;
        try {
            view.setPermissions(wanted);
            log.info("Narrowed the permissions of {} from {} to {}", path, PosixFilePermissions.toString(now),
                    PosixFilePermissions.toString(wanted));
        } catch (IOException e) {
            log.warn("Cannot narrow the permissions of {} ({}) to {}: {}", path, PosixFilePermissions.toString(now),
                    PosixFilePermissions.toString(wanted), e.toString());
        }
    }

    private static boolean posix(Path anyPath) {
        Path probe = anyPath == null ? Path.of("").toAbsolutePath() : anyPath;
        return probe.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** As {@link #directory}, unchecked, naming the setting in the message. */
    static Path dataDirectory(Path dir) {
        try {
            return directory(dir.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create data directory " + dir.toAbsolutePath()
                    + " (bollwerk.data-dir / BOLLWERK_DATA_DIR)", e);
        }
    }
}

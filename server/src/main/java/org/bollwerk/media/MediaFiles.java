package org.bollwerk.media;

import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.keys.AtRestCipher;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The media files under {@code <data-dir>/media/}, each encrypted at rest with the tenant's key and bound
 * (associated data) to its content URI and, for thumbnails, its size and method — so files cannot be
 * swapped. Files are written to a temporary name and moved into place, never half-written.
 */
@Component
class MediaFiles {
    private final Path root;
    private final AtRestCipher cipher;

    MediaFiles(BollwerkProperties props, AtRestCipher cipher) {
        this.root = props.dataDir().toAbsolutePath().resolve("media");
        this.cipher = cipher;
    }

    void writeOriginal(String tenantId, String serverName, String mediaId, byte[] content) {
        write(path(serverName, mediaId, ""), cipher.encrypt(tenantId, content, aad(serverName, mediaId, "")));
    }

    Optional<byte[]> readOriginal(String serverName, String mediaId) {
        return read(path(serverName, mediaId, ""), aad(serverName, mediaId, ""));
    }

    void deleteOriginal(String serverName, String mediaId) {
        try {
            Files.deleteIfExists(path(serverName, mediaId, ""));
        } catch (IOException ignored) {
            // an orphaned encrypted file is harmless
        }
    }

    void writeThumbnail(String tenantId, String serverName, String mediaId, String variant, byte[] content) {
        write(path(serverName, mediaId, variant), cipher.encrypt(tenantId, content, aad(serverName, mediaId, variant)));
    }

    Optional<byte[]> readThumbnail(String serverName, String mediaId, String variant) {
        return read(path(serverName, mediaId, variant), aad(serverName, mediaId, variant));
    }

    /**
     * Re-encrypts one stored file under its tenant's newest data key version (for the re-encryption job);
     * replaced atomically like any write. Returns whether the file changed.
     */
    boolean reencrypt(String tenantId, String serverName, String mediaId, String variant) {
        Path file = path(serverName, mediaId, variant);
        byte[] blob;
        try {
            blob = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read media file " + file, e);
        }
        byte[] fresh = cipher.reencrypt(tenantId, blob, aad(serverName, mediaId, variant));
        if (fresh == null) return false;
        write(file, fresh);
        return true;
    }

    private Optional<byte[]> read(Path file, byte[] aad) {
        byte[] blob;
        try {
            blob = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read media file " + file, e);
        }
        return Optional.of(cipher.decrypt(blob, aad));
    }

    private static void write(Path file, byte[] blob) {
        try {
            org.bollwerk.storage.PrivateFiles.directory(file.getParent());   // 0700, whatever the umask
            Path tmp = Files.createTempFile(file.getParent(), ".upload-", ".tmp");   // 0600 on POSIX
            try {
                Files.write(tmp, blob);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write media file " + file, e);
        }
    }

    /** Media IDs are validated ([A-Za-z0-9_-]) before they get here; server names are local domains. */
    private Path path(String serverName, String mediaId, String variant) {
        String server = serverName.replaceAll("[^A-Za-z0-9.\\-]", "_");
        return root.resolve(server).resolve(mediaId.substring(0, 2)).resolve(mediaId + variant);
    }

    private static byte[] aad(String serverName, String mediaId, String variant) {
        return AtRestCipher.utf8("media\0" + serverName + "/" + mediaId + "\0" + variant);
    }
}

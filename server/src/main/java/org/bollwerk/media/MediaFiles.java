package org.bollwerk.media;

import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.keys.AtRestCipher;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The media files under {@code <data-dir>/media/}, each encrypted at rest with the tenant's key and bound
 * (associated data) to its content URI and, for thumbnails, its size and method — so files cannot be
 * swapped. Files are encrypted chunk by chunk while they stream in ({@link AtRestCipher#encryptingStream}),
 * into a temporary name that is moved into place, never half-written; reads stream too, so no upload or
 * download is ever held in memory as a whole. Files written before as one encrypted value still read.
 */
@Component
class MediaFiles {
    private final Path root;
    private final AtRestCipher cipher;

    MediaFiles(BollwerkProperties props, AtRestCipher cipher) {
        this.root = props.dataDir().toAbsolutePath().resolve("media");
        this.cipher = cipher;
    }

    /** A file being written: encrypted into a temporary file beside its final place until {@link #commit}. */
    final class Staged implements AutoCloseable {
        private final Path target;
        private final Path tmp;
        private final OutputStream out;
        private boolean committed;

        private Staged(String tenantId, Path target, byte[] aad) throws IOException {
            this.target = target;
            org.bollwerk.storage.PrivateFiles.directory(target.getParent());
            this.tmp = Files.createTempFile(target.getParent(), ".upload-", ".tmp");
            try {
                this.out = cipher.encryptingStream(tenantId, aad, Files.newOutputStream(tmp));
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
        }

        /** Where the plaintext goes; {@link #finish} seals the last chunk. */
        OutputStream content() {
            return out;
        }

        void finish() throws IOException {
            out.close();
        }

        /** Moves the finished file into place (atomically, replacing nothing half-written). */
        void commit() {
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                committed = true;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write media file " + target, e);
            }
        }

        /** Discards the temporary file unless committed. */
        @Override
        public void close() {
            if (committed) return;
            try {
                out.close();
            } catch (IOException | RuntimeException ignored) {
                // closing only to release the file handle
            }
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // an orphaned encrypted temporary file is harmless
            }
        }
    }

    Staged stageOriginal(String tenantId, String serverName, String mediaId) throws IOException {
        return new Staged(tenantId, path(serverName, mediaId, ""), aad(serverName, mediaId, ""));
    }

    /** A fresh decrypting stream over the original, if its file exists; the caller closes it. */
    Optional<InputStream> openOriginal(String serverName, String mediaId) {
        return open(path(serverName, mediaId, ""), aad(serverName, mediaId, ""));
    }

    void deleteOriginal(String serverName, String mediaId) {
        try {
            Files.deleteIfExists(path(serverName, mediaId, ""));
        } catch (IOException ignored) {
            // an orphaned encrypted file is harmless
        }
    }

    void writeThumbnail(String tenantId, String serverName, String mediaId, String variant, byte[] content) {
        try (Staged staged = new Staged(tenantId, path(serverName, mediaId, variant), aad(serverName, mediaId, variant))) {
            staged.content().write(content);
            staged.finish();
            staged.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write media file for " + mediaId + variant, e);
        }
    }

    /** Thumbnails are small (at most 800×600): read whole. */
    Optional<byte[]> readThumbnail(String serverName, String mediaId, String variant) {
        Optional<InputStream> in = open(path(serverName, mediaId, variant), aad(serverName, mediaId, variant));
        if (in.isEmpty()) return Optional.empty();
        try (InputStream stream = in.get()) {
            return Optional.of(stream.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read media file for " + mediaId + variant, e);
        }
    }

    /**
     * Re-encrypts one stored file under its tenant's newest data key version (for the re-encryption job),
     * streaming, in the chunked format; replaced atomically like any write. Returns whether the file changed.
     */
    boolean reencrypt(String tenantId, String serverName, String mediaId, String variant) {
        Path file = path(serverName, mediaId, variant);
        byte[] aad = aad(serverName, mediaId, variant);
        InputStream stored;
        try {
            stored = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read media file " + file, e);
        }
        try (stored) {
            org.bollwerk.storage.PrivateFiles.directory(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".reencrypt-", ".tmp");
            try {
                boolean changed;
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    changed = cipher.reencrypt(tenantId, stored, out, aad);
                }
                if (changed) Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return changed;
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot re-encrypt media file " + file, e);
        }
    }

    private Optional<InputStream> open(Path file, byte[] aad) {
        InputStream raw;
        try {
            raw = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read media file " + file, e);
        }
        try {
            return Optional.of(cipher.decryptingStream(new java.io.BufferedInputStream(raw, 64 * 1024), aad));
        } catch (IOException | RuntimeException e) {
            try {
                raw.close();
            } catch (IOException ignored) {
                // already failing
            }
            if (e instanceof RuntimeException runtime) throw runtime;
            throw new UncheckedIOException("Cannot read media file " + file, (IOException) e);
        }
    }

    /** Media IDs are validated ([A-Za-z0-9_-]) before they get here; server names are local domains. */
    private Path path(String serverName, String mediaId, String variant) {
        String server = serverName.replaceAll("[^A-Za-z0-9.\\-]", "_");
        return root.resolve(server).resolve(mediaId.substring(0, 2)).resolve(mediaId + variant);
    }

    static byte[] aad(String serverName, String mediaId, String variant) {
        return AtRestCipher.utf8("media\0" + serverName + "/" + mediaId + "\0" + variant);
    }
}

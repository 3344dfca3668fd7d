package org.bollwerk.keys;

import javax.crypto.KeyGenerator;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The key-encryption key (KEK) kept in a file: one line {@code bollwerk-kek-v1:<base64 of 32 bytes>},
 * created with permissions 0600. It wraps (encrypts) the data keys with AES-256-GCM; the data keys are
 * stored only wrapped, in the database.
 *
 * <p>KEK rotation stages the new key in {@code <file>.next} before the database is changed, and only then
 * swaps the files, so a crash at any point leaves a KEK on disk for whatever the database holds
 * (finished at the next start, see {@link #settle}).
 */
final class KeyFileKek implements KeyEncryptionKey {
    static final String PREFIX = "bollwerk-kek-v1:";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Map<String, SecretKey> keys = new LinkedHashMap<>();  // KEK ID -> key (current first)
    private volatile String currentId;

    private KeyFileKek(Path file) {
        this.file = file;
    }

    /** The file and, after an interrupted rotation, its staged successor; creates the file only when allowed. */
    static KeyFileKek open(Path file, boolean mayCreate) {
        KeyFileKek kek = new KeyFileKek(file.toAbsolutePath());
        if (!Files.exists(kek.file)) {
            if (!mayCreate) return kek;  // currentId stays null: the caller reports the missing file
            kek.add(kek.create(kek.file), true);
        } else {
            kek.add(read(kek.file), true);
        }
        Path next = kek.next();
        if (Files.exists(next)) kek.add(read(next), false);
        return kek;
    }

    @Override
    public String source() {
        return "key file " + file + " (bollwerk.keys.kek-file / BOLLWERK_KEYS_KEK_FILE)";
    }

    Path file() {
        return file;
    }

    @Override
    public boolean rotatable() {
        return true;
    }

    @Override
    public String retiredNote(String oldId) {
        return "the old key file is kept as " + file.getFileName() + ".retired-" + oldId + "; destroy it once no backup needs it";
    }

    @Override
    public boolean present() {
        return currentId != null;
    }

    @Override
    public String currentId() {
        return currentId;
    }

    @Override
    public boolean knows(String kekId) {
        return keys.containsKey(kekId);
    }

    @Override
    public byte[] wrap(byte[] dataKey, byte[] aad) {
        return wrap(keys.get(currentId), dataKey, aad);
    }

    @Override
    public byte[] unwrap(String kekId, byte[] wrapped, byte[] aad) throws GeneralSecurityException {
        SecretKey kek = keys.get(kekId);
        if (kek == null) throw new GeneralSecurityException("KEK " + kekId + " is not in " + source());
        return AesGcm.open(kek, null, wrapped, aad);
    }

    // ---- rotation

    /** Generates a new KEK into {@code <file>.next}; returns its ID. Data keys are then re-wrapped with {@link #wrapWith}. */
    @Override
    public String stageNext() {
        Path next = next();
        try {
            Files.deleteIfExists(next);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot replace " + next, e);
        }
        SecretKey key = create(next);
        keys.remove(idOf(key));
        keys.put(idOf(key), key);
        return idOf(key);
    }

    @Override
    public byte[] wrapWith(String kekId, byte[] dataKey, byte[] aad) {
        return wrap(keys.get(kekId), dataKey, aad);
    }

    /**
     * Makes the KEK the database now uses the current file: after a committed rotation (or at start after a
     * crash) the staged file replaces the old one, which is kept as {@code <file>.retired-<id>} for the
     * operator to destroy once no backup needs it; a staged file the database never used is removed.
     */
    @Override
    public void settle(java.util.Set<String> idsInUse) {
        Path next = next();
        if (!Files.exists(next)) return;
        try {
            String nextId = idOf(read(next));
            if (idsInUse.contains(nextId)) {
                if (currentId != null && !currentId.equals(nextId)) {
                    Files.move(file, file.resolveSibling(file.getFileName() + ".retired-" + currentId),
                            StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(next, file, StandardCopyOption.ATOMIC_MOVE);
                String old = currentId;
                currentId = nextId;
                if (old != null && !idsInUse.contains(old)) keys.remove(old);
            } else {
                Files.delete(next);
                keys.remove(nextId);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot finish the KEK rotation in " + file.getParent(), e);
        }
    }

    // ---- internals

    private Path next() {
        return file.resolveSibling(file.getFileName() + ".next");
    }

    private void add(SecretKey key, boolean current) {
        String id = idOf(key);
        keys.put(id, key);
        if (current) currentId = id;
    }

    private SecretKey create(Path target) {
        try {
            if (target.getParent() != null) org.bollwerk.storage.PrivateFiles.directory(target.getParent());   // 0700
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256, RANDOM);
            SecretKey key = generator.generateKey();
            byte[] line = (PREFIX + Base64.getEncoder().encodeToString(key.getEncoded()) + "\n")
                    .getBytes(StandardCharsets.US_ASCII);
            try {
                Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(target);  // not a POSIX file system: rely on the directory's protection
            }
            Files.write(target, line, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.SYNC);
            return key;
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("Refusing to overwrite the existing key file " + target, e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the key-encryption key file " + target
                    + " (bollwerk.keys.kek-file / BOLLWERK_KEYS_KEK_FILE)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES key generation is not available", e);
        }
    }

    private static SecretKey read(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new KeyStartException("Cannot read the key-encryption key file " + path + ": " + e.getMessage() + ".",
                    "Make it readable by the server's user (chmod 600, owned by it), or correct bollwerk.keys.kek-file "
                    + "(BOLLWERK_KEYS_KEK_FILE).", e);
        }
        byte[] raw = null;
        if (text.startsWith(PREFIX)) {
            try {
                raw = Base64.getDecoder().decode(text.substring(PREFIX.length()));
            } catch (IllegalArgumentException ignored) {
                // reported below
            }
        }
        if (raw == null || raw.length != 32) {
            throw new KeyStartException("The key-encryption key file " + path + " is malformed: expected one line '"
                    + PREFIX + "' followed by 32 bytes in base64.", "Restore the key file from your key backup.");
        }
        SecretKey key = new SecretKeySpec(raw, "AES");
        Arrays.fill(raw, (byte) 0);
        return key;
    }

    /** A public fingerprint of a KEK (HMAC of a constant), stored beside each wrapped key to find its KEK. */
    static String idOf(SecretKey key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            byte[] digest = mac.doFinal("bollwerk kek id".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] wrap(SecretKey kek, byte[] dataKey, byte[] aad) {
        try {
            return AesGcm.seal(kek, null, dataKey, aad);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Wrapping a data key failed", e);
        }
    }
}

package org.bollwerk.keys;

import org.springframework.stereotype.Service;

import javax.crypto.SecretKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Encrypts and decrypts values at rest under the tenant's current data key (envelope encryption).
 * Every value carries its tenant and key version ({@link Envelope}); the caller's associated data binds it
 * to its row, so a value copied into another row does not decrypt. The data keys come unwrapped from the
 * in-memory {@link DataKeyRing}, so encrypting costs one AES-GCM operation and no database access.
 *
 * <p>Opening the key-encryption key at start is {@link KekStartup}'s; rotating and shredding keys is
 * {@link KeyAdministration}'s.
 */
@Service
public class AtRestCipher {
    /** Prefix of encrypted values kept in text columns. */
    static final String TEXT_PREFIX = "enc1:";

    private final DataKeyRing ring;

    AtRestCipher(DataKeyRing ring) {
        this.ring = ring;
    }

    /** Encrypts {@code plaintext} for {@code tenantId}, bound to {@code associatedData} (e.g. the row's ID). */
    public byte[] encrypt(String tenantId, byte[] plaintext, byte[] associatedData) {
        DataKeyRing.TenantKeys keys = ring.keysFor(tenantId);
        if (keys.shredded()) throw shredded(tenantId);
        return Envelope.seal(keys.versions().get(keys.current()), tenantId, keys.current(), plaintext, associatedData);
    }

    /** Decrypts a value of {@code tenantId}; refuses values of other tenants. */
    public byte[] decrypt(String tenantId, byte[] blob, byte[] associatedData) {
        Envelope.Header header = header(blob);
        if (!header.tenantId().equals(tenantId)) {
            throw new KeyUnavailableException("Encrypted value belongs to another tenant", false, null);
        }
        return open(blob, header, associatedData);
    }

    /** Decrypts a value whatever its tenant (the tenant is authenticated as part of the value). */
    public byte[] decrypt(byte[] blob, byte[] associatedData) {
        return open(blob, header(blob), associatedData);
    }

    /** Whether a stored value is in the encrypted format (values written before encryption was enabled are not). */
    public static boolean isEncrypted(byte[] stored) {
        return Envelope.isEnvelope(stored);
    }

    public byte[] encrypt(String tenantId, String plaintext, String associatedData) {
        return encrypt(tenantId, plaintext.getBytes(StandardCharsets.UTF_8), utf8(associatedData));
    }

    /** For text columns: the encrypted value as {@code enc1:<base64>}; null stays null. */
    public String encryptText(String tenantId, String plaintext, String associatedData) {
        if (plaintext == null) return null;
        return TEXT_PREFIX + Base64.getEncoder().withoutPadding().encodeToString(encrypt(tenantId, plaintext, associatedData));
    }

    /** Reverses {@link #encryptText}; text without the prefix (stored before encryption) is returned as it is. */
    public String decryptText(String stored, String associatedData) {
        if (stored == null || !stored.startsWith(TEXT_PREFIX)) return stored;
        byte[] blob = Base64.getDecoder().decode(stored.substring(TEXT_PREFIX.length()));
        return new String(decrypt(blob, utf8(associatedData)), StandardCharsets.UTF_8);
    }

    /**
     * For the re-encryption job: the value re-encrypted under its tenant's current data key version, or
     * {@code null} when it already is (or its tenant's keys were shredded: it can no longer be read). A plain
     * value (stored before encryption at rest existed) is encrypted for {@code tenantId}.
     */
    public byte[] reencrypt(String tenantId, byte[] stored, byte[] associatedData) {
        if (stored == null) return null;
        if (!isEncrypted(stored)) return encrypt(tenantId, stored, associatedData);
        Envelope.Header header = header(stored);
        DataKeyRing.TenantKeys keys = ring.keysFor(header.tenantId());
        if (keys.shredded() || header.keyVersion() == keys.current()) return null;
        return encrypt(header.tenantId(), open(stored, header, associatedData), associatedData);
    }

    /** {@link #reencrypt} for text columns ({@link #encryptText}); {@code null} when nothing is to change. */
    public String reencryptText(String tenantId, String stored, String associatedData) {
        if (stored == null) return null;
        byte[] blob = stored.startsWith(TEXT_PREFIX) ? Base64.getDecoder().decode(stored.substring(TEXT_PREFIX.length()))
                : stored.getBytes(StandardCharsets.UTF_8);
        byte[] fresh = reencrypt(tenantId, blob, utf8(associatedData));
        return fresh == null ? null : TEXT_PREFIX + Base64.getEncoder().withoutPadding().encodeToString(fresh);
    }

    // ---- streams (large values such as media files: never held in memory as a whole)

    /**
     * Encrypts what is written to the returned stream into {@code sink}, chunk by chunk ({@link ChunkedEnvelope}),
     * for {@code tenantId} and bound to {@code associatedData}. Closing the stream writes the final chunk and
     * closes {@code sink}; a stream not closed is not readable (its end cannot be authenticated).
     */
    public OutputStream encryptingStream(String tenantId, byte[] associatedData, OutputStream sink) throws IOException {
        DataKeyRing.TenantKeys keys = ring.keysFor(tenantId);
        if (keys.shredded()) throw shredded(tenantId);
        return ChunkedEnvelope.sealing(sink, keys.versions().get(keys.current()), tenantId, keys.current(), associatedData,
                ChunkedEnvelope.DEFAULT_CHUNK_BYTES);
    }

    /**
     * The plaintext of a stored stream whatever its tenant. Reads both the chunked format and single values
     * ({@link #encrypt}, as media files were stored before): those are small enough to be opened at once.
     * A chunk that fails authentication makes {@code read} throw an {@link IOException}.
     *
     * @throws KeyUnavailableException when the value is in no known format or its key is gone
     */
    public InputStream decryptingStream(InputStream stored, byte[] associatedData) throws IOException {
        PushbackInputStream in = new PushbackInputStream(stored, 1);
        int format = in.read();
        if (format >= 0) in.unread(format);
        if (format == ChunkedEnvelope.FORMAT) {
            ChunkedEnvelope.Header header;
            try {
                header = ChunkedEnvelope.readHeader(in);
            } catch (IOException e) {
                throw new KeyUnavailableException("Stored value is not readable: " + e.getMessage(), false, e);
            }
            return ChunkedEnvelope.opening(in, key(header.tenantId(), header.keyVersion()), header, associatedData);
        }
        byte[] blob = in.readAllBytes();
        in.close();
        return new ByteArrayInputStream(decrypt(blob, associatedData));
    }

    /**
     * For the re-encryption job: copies a stored stream into {@code fresh} encrypted under its tenant's newest
     * data key version, in the chunked format. Returns false, having written nothing, when it already is (or
     * its tenant's keys were shredded). A single value ({@link #encrypt}) is always rewritten in the chunked
     * format; a plain one is encrypted for {@code tenantId}.
     */
    public boolean reencrypt(String tenantId, InputStream stored, OutputStream fresh, byte[] associatedData)
            throws IOException {
        PushbackInputStream in = new PushbackInputStream(stored, 1);
        int format = in.read();
        if (format >= 0) in.unread(format);
        InputStream plain;
        String owner;
        if (format == ChunkedEnvelope.FORMAT) {
            ChunkedEnvelope.Header header = ChunkedEnvelope.readHeader(in);
            DataKeyRing.TenantKeys keys = ring.keysFor(header.tenantId());
            if (keys.shredded() || header.keyVersion() == keys.current()) return false;
            owner = header.tenantId();
            plain = ChunkedEnvelope.opening(in, key(owner, header.keyVersion()), header, associatedData);
        } else {
            byte[] blob = in.readAllBytes();
            if (isEncrypted(blob)) {
                Envelope.Header header = header(blob);
                if (ring.keysFor(header.tenantId()).shredded()) return false;
                owner = header.tenantId();
                plain = new ByteArrayInputStream(open(blob, header, associatedData));
            } else {
                owner = tenantId;
                plain = new ByteArrayInputStream(blob);
            }
        }
        try (OutputStream out = encryptingStream(owner, associatedData, fresh)) {
            plain.transferTo(out);
        }
        return true;
    }

    /** The data key version a stored value (single or chunked) is encrypted with; 0 for a plain value. */
    public static int keyVersionOf(byte[] stored) {
        if (stored != null && stored.length > 0 && stored[0] == ChunkedEnvelope.FORMAT) {
            try {
                return ChunkedEnvelope.readHeader(new ByteArrayInputStream(stored)).keyVersion();
            } catch (IOException e) {
                throw new IllegalArgumentException("damaged chunked value", e);
            }
        }
        return isEncrypted(stored) ? Envelope.header(stored).keyVersion() : 0;
    }

    public static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    private static Envelope.Header header(byte[] blob) {
        try {
            return Envelope.header(blob);
        } catch (IllegalArgumentException e) {
            throw new KeyUnavailableException("Stored value is not readable: " + e.getMessage(), false, e);
        }
    }

    private byte[] open(byte[] blob, Envelope.Header header, byte[] aad) {
        SecretKey key = key(header.tenantId(), header.keyVersion());
        try {
            return Envelope.open(key, blob, header, aad);
        } catch (GeneralSecurityException e) {
            throw new KeyUnavailableException("Stored value failed authentication (altered, or moved from another row)",
                    false, e);
        }
    }

    private SecretKey key(String tenantId, int version) {
        if (ring.keysFor(tenantId).shredded()) throw shredded(tenantId);
        SecretKey key = ring.version(tenantId, version);  // reads again when another node created it since
        if (key == null) {
            throw new KeyUnavailableException("No data key version " + version + " for tenant " + tenantId, false, null);
        }
        return key;
    }

    static KeyUnavailableException shredded(String tenantId) {
        return new KeyUnavailableException("The keys of tenant " + tenantId + " were shredded; its data is unreadable",
                true, null);
    }
}

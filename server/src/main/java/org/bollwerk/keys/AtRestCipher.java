package org.bollwerk.keys;

import org.springframework.stereotype.Service;

import javax.crypto.SecretKey;
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

    /** The data key version a stored value is encrypted with; 0 for a plain value. */
    public static int keyVersionOf(byte[] stored) {
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
        if (ring.keysFor(header.tenantId()).shredded()) throw shredded(header.tenantId());
        SecretKey key = ring.version(header.tenantId(), header.keyVersion());
        if (key == null) {
            throw new KeyUnavailableException("No data key version " + header.keyVersion() + " for tenant "
                    + header.tenantId(), false, null);
        }
        try {
            return Envelope.open(key, blob, header, aad);
        } catch (GeneralSecurityException e) {
            throw new KeyUnavailableException("Stored value failed authentication (altered, or moved from another row)",
                    false, e);
        }
    }

    static KeyUnavailableException shredded(String tenantId) {
        return new KeyUnavailableException("The keys of tenant " + tenantId + " were shredded; its data is unreadable",
                true, null);
    }
}

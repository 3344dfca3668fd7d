package org.bollwerk.keys;

import javax.crypto.SecretKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * The self-describing format of one encrypted value, AES-256-GCM with a random 96-bit nonce:
 * <pre>
 *   0x01 | tenant length (1 byte) | tenant ID (UTF-8) | data key version (4 bytes) | nonce (12) | ciphertext+tag
 * </pre>
 * The header (everything before the nonce) is authenticated together with the caller's associated data,
 * so neither the tenant, the key version nor the row a value belongs to can be changed unnoticed.
 * The first byte is never {@code '{'}, so values stored before encryption (JSON) are told apart.
 */
final class Envelope {
    static final byte FORMAT = 0x01;
    /** AesGcm's sizes, kept here for ChunkedEnvelope (main), which reads them from this class. */
    static final int NONCE_BYTES = AesGcm.NONCE_BYTES;
    static final int TAG_BITS = AesGcm.TAG_BITS;

    private Envelope() {
    }

    /** Tenant and key version of a blob, read from its header (not yet authenticated). */
    record Header(String tenantId, int keyVersion, int headerLength) {
    }

    static boolean isEnvelope(byte[] blob) {
        return blob != null && blob.length > 2 && blob[0] == FORMAT;
    }

    static Header header(byte[] blob) {
        if (!isEnvelope(blob)) throw new IllegalArgumentException("not an encrypted value (unknown format)");
        int tenantLength = blob[1] & 0xff;
        int headerLength = 2 + tenantLength + 4;
        if (tenantLength == 0 || blob.length < headerLength + AesGcm.NONCE_BYTES + AesGcm.TAG_BITS / 8) {
            throw new IllegalArgumentException("encrypted value is truncated");
        }
        String tenant = new String(blob, 2, tenantLength, StandardCharsets.UTF_8);
        int version = ByteBuffer.wrap(blob, 2 + tenantLength, 4).getInt();
        return new Header(tenant, version, headerLength);
    }

    static byte[] seal(SecretKey key, String tenantId, int keyVersion, byte[] plaintext, byte[] aad) {
        byte[] tenant = tenantId.getBytes(StandardCharsets.UTF_8);
        if (tenant.length == 0 || tenant.length > 255) throw new IllegalArgumentException("tenant ID must be 1..255 bytes");
        byte[] header = new byte[2 + tenant.length + 4];
        header[0] = FORMAT;
        header[1] = (byte) tenant.length;
        System.arraycopy(tenant, 0, header, 2, tenant.length);
        ByteBuffer.wrap(header, 2 + tenant.length, 4).putInt(keyVersion);
        try {
            return AesGcm.seal(key, null, header, plaintext, aad);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** @throws javax.crypto.AEADBadTagException (wrapped) when the value or its associated data were changed */
    static byte[] open(SecretKey key, byte[] blob, Header header, byte[] aad) throws GeneralSecurityException {
        return AesGcm.open(key, null, blob, header.headerLength(), aad);
    }
}

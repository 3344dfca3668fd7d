package org.bollwerk.keys;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;

/**
 * The one AES-GCM construction behind every seal and wrap in this module: stored values ({@link Envelope}),
 * data keys and the audit key wrapped by a key file ({@link KeyFileKek}) or inside an HSM ({@link Pkcs11Kek}).
 * A fresh random 96-bit nonce per message and a 128-bit tag; the output is
 * {@code prefix | nonce | ciphertext+tag}, where the prefix (a header, or nothing) is authenticated first and
 * the caller's associated data after it.
 */
final class AesGcm {
    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final byte[] NO_PREFIX = new byte[0];
    private static final SecureRandom RANDOM = new SecureRandom();

    private AesGcm() {
    }

    /** Seals without a prefix: {@code nonce | ciphertext+tag}. {@code provider} null = the JDK's default. */
    static byte[] seal(SecretKey key, Provider provider, byte[] plaintext, byte[] aad) throws GeneralSecurityException {
        return seal(key, provider, NO_PREFIX, plaintext, aad);
    }

    static byte[] seal(SecretKey key, Provider provider, byte[] prefix, byte[] plaintext, byte[] aad)
            throws GeneralSecurityException {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        Cipher cipher = cipher(provider);
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
        if (prefix.length > 0) cipher.updateAAD(prefix);
        if (aad != null) cipher.updateAAD(aad);
        byte[] sealed = cipher.doFinal(plaintext);
        byte[] out = new byte[prefix.length + NONCE_BYTES + sealed.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(nonce, 0, out, prefix.length, NONCE_BYTES);
        System.arraycopy(sealed, 0, out, prefix.length + NONCE_BYTES, sealed.length);
        return out;
    }

    /** Opens {@code nonce | ciphertext+tag}. */
    static byte[] open(SecretKey key, Provider provider, byte[] sealed, byte[] aad) throws GeneralSecurityException {
        return open(key, provider, sealed, 0, aad);
    }

    /**
     * Opens {@code prefix | nonce | ciphertext+tag}, the first {@code prefixLength} bytes being the prefix.
     *
     * @throws AEADBadTagException when the value, its prefix or the associated data were changed, or it is truncated
     */
    static byte[] open(SecretKey key, Provider provider, byte[] sealed, int prefixLength, byte[] aad)
            throws GeneralSecurityException {
        int offset = prefixLength + NONCE_BYTES;
        if (sealed.length < offset + TAG_BITS / 8) throw new AEADBadTagException("sealed value is truncated");
        Cipher cipher = cipher(provider);
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, prefixLength, NONCE_BYTES));
        if (prefixLength > 0) cipher.updateAAD(sealed, 0, prefixLength);
        if (aad != null) cipher.updateAAD(aad);
        return cipher.doFinal(sealed, offset, sealed.length - offset);
    }

    private static Cipher cipher(Provider provider) throws GeneralSecurityException {
        return provider == null ? Cipher.getInstance(TRANSFORMATION) : Cipher.getInstance(TRANSFORMATION, provider);
    }
}

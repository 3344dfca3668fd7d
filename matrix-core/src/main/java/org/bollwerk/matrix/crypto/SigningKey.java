package org.bollwerk.matrix.crypto;

import java.security.InvalidAlgorithmParameterException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.UnpaddedBase64;

/**
 * A server's Ed25519 signing key with its key ID ({@code ed25519:<version>}).
 *
 * <p>Persist it as {@link #keyId()} plus {@link #seedBase64()} (the 32-byte seed, unpadded base64,
 * the format Synapse's signing key files use) and restore it with {@link #fromSeed(String, String)}.
 * {@link #toString()} never shows the private key.
 */
public record SigningKey(String keyId, PrivateKey privateKey, PublicKey publicKey) {

    private static final Pattern KEY_ID = Pattern.compile("ed25519:[a-zA-Z0-9_]+");
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    // DER prefixes of Ed25519 keys (RFC 8410): PKCS#8 PrivateKeyInfo with the id-Ed25519 OID
    // 1.3.101.112 wrapping the 32-byte seed as an OCTET STRING, and X.509 SubjectPublicKeyInfo.
    private static final byte[] PKCS8_PREFIX = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
            0x04, 0x22, 0x04, 0x20};
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final int KEY_BYTES = 32;

    public SigningKey {
        if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
            throw MatrixException.invalidParam("Signing key ID must look like 'ed25519:abc_1', got '" + keyId + "'.");
        }
        if (privateKey == null || publicKey == null) {
            throw MatrixException.invalidParam("Signing key needs both a private and a public key.");
        }
    }

    /** A new random key with an ID like {@code ed25519:a_Xy3Q}. */
    public static SigningKey generate() {
        byte[] seed = new byte[KEY_BYTES];
        RANDOM.nextBytes(seed);
        return fromSeed("ed25519:a_" + randomVersion(), seed);
    }

    /** Restores a key from its unpadded-base64 seed; throws {@code M_INVALID_PARAM} for a bad seed. */
    public static SigningKey fromSeed(String keyId, String seedBase64) {
        return fromSeed(keyId, UnpaddedBase64.decode(seedBase64));
    }

    /** Restores a key from its raw 32-byte seed. */
    public static SigningKey fromSeed(String keyId, byte[] seed) {
        if (seed == null || seed.length != KEY_BYTES) {
            throw MatrixException.invalidParam("An Ed25519 seed must be 32 bytes.");
        }
        PrivateKey privateKey = decodePrivate(seed);
        return new SigningKey(keyId, privateKey, derivePublic(seed, privateKey));
    }

    /** Decodes a raw 32-byte public key, e.g. from a {@code /_matrix/key/v2/server} response. */
    public static PublicKey decodePublicKey(String publicKeyBase64) {
        byte[] raw = UnpaddedBase64.decode(publicKeyBase64);
        if (raw.length != KEY_BYTES) {
            throw MatrixException.invalidParam("An Ed25519 public key must be 32 bytes.");
        }
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(X509_PREFIX, raw)));
        } catch (InvalidKeySpecException e) {
            throw MatrixException.invalidParam("Not a valid Ed25519 public key.");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks Ed25519", e);
        }
    }

    /** The 32-byte seed as unpadded base64: the secret to persist. */
    public String seedBase64() {
        return UnpaddedBase64.encode(rawKey(privateKey.getEncoded(), PKCS8_PREFIX));
    }

    /** The raw 32-byte public key as unpadded base64, as published in {@code verify_keys}. */
    public String publicKeyBase64() {
        return encodePublicKey(publicKey);
    }

    /** The raw 32-byte form of any Ed25519 public key as unpadded base64. */
    public static String encodePublicKey(PublicKey key) {
        return UnpaddedBase64.encode(rawKey(key.getEncoded(), X509_PREFIX));
    }

    /** The raw 32-byte seed (a copy). */
    byte[] seed() {
        return rawKey(privateKey.getEncoded(), PKCS8_PREFIX);
    }

    /** The raw 32-byte public key. */
    byte[] rawPublicKey() {
        return rawKey(publicKey.getEncoded(), X509_PREFIX);
    }

    /** The version part of the key ID, e.g. {@code a_Xy3Q} for {@code ed25519:a_Xy3Q}. */
    public String version() {
        return keyId.substring(keyId.indexOf(':') + 1);
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId + ", public " + publicKeyBase64() + "]";
    }

    private static PrivateKey decodePrivate(byte[] seed) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, seed)));
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException("JDK cannot decode an Ed25519 seed", e);
        }
    }

    /**
     * The JDK has no public API to derive an Ed25519 public key from a private one, but its key-pair
     * generator turns exactly 32 random bytes into the seed. Feeding it our seed gives the matching
     * public key; we check the generated private key equals ours so a changed provider fails loudly.
     */
    private static PublicKey derivePublic(byte[] seed, PrivateKey expected) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new FixedSeed(seed));
            KeyPair pair = generator.generateKeyPair();
            if (!MessageDigest.isEqual(pair.getPrivate().getEncoded(), expected.getEncoded())) {
                throw new IllegalStateException("Ed25519 key derivation from a seed is not deterministic on this JDK");
            }
            return pair.getPublic();
        } catch (NoSuchAlgorithmException | InvalidAlgorithmParameterException e) {
            throw new IllegalStateException("JDK lacks Ed25519", e);
        }
    }

    private static byte[] rawKey(byte[] encoded, byte[] prefix) {
        if (encoded.length != prefix.length + KEY_BYTES
                || !Arrays.equals(encoded, 0, prefix.length, prefix, 0, prefix.length)) {
            throw new IllegalStateException("Unexpected Ed25519 key encoding");
        }
        return Arrays.copyOfRange(encoded, prefix.length, encoded.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String randomVersion() {
        StringBuilder out = new StringBuilder(4);
        for (int i = 0; i < 4; i++) {
            out.append(LETTERS.charAt(RANDOM.nextInt(LETTERS.length())));
        }
        return out.toString();
    }

    /** A "random" source that hands out one fixed seed; used only for {@link #derivePublic}. */
    private static final class FixedSeed extends SecureRandom {
        private final byte[] seed;

        FixedSeed(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("Ed25519 generator asked for " + bytes.length + " bytes, expected 32");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }
}

package org.bollwerk.portal;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * Time-based one-time passwords as RFC 6238 defines them with the defaults every authenticator app uses:
 * HMAC-SHA1 (the JDK's), 30-second steps, 6 digits. Secrets travel in Base32 (RFC 4648) as apps expect.
 */
final class Totp {
    static final int STEP_SECONDS = 30;
    static final int DIGITS = 6;
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Totp() {
    }

    /** A new 160-bit secret, as RFC 4226 recommends, in Base32. */
    static String newSecret() {
        byte[] bytes = new byte[20];
        RANDOM.nextBytes(bytes);
        return base32(bytes);
    }

    static long stepAt(long epochMillis) {
        return Math.floorDiv(epochMillis / 1000, STEP_SECONDS);
    }

    /** The code for one time step. */
    static String code(String base32Secret, long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(unbase32(base32Secret), "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0x0f;
            int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
            return String.format(Locale.ROOT, "%0" + DIGITS + "d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available", e);
        }
    }

    /**
     * The step {@code code} matches, one step either side of now allowed for clock drift, or -1. Steps at or
     * before {@code lastUsedStep} never match again: a code seen once cannot be replayed.
     */
    static long matchingStep(String base32Secret, String code, long nowMillis, long lastUsedStep) {
        if (code == null) return -1;
        String digits = code.replace(" ", "");
        if (!digits.matches("[0-9]{" + DIGITS + "}")) return -1;
        long now = stepAt(nowMillis);
        long found = -1;
        for (long step = now - 1; step <= now + 1; step++) {
            // compare every candidate in full, so timing does not tell which step matched
            if (java.security.MessageDigest.isEqual(code(base32Secret, step).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    digits.getBytes(java.nio.charset.StandardCharsets.US_ASCII)) && step > lastUsedStep) {
                found = step;
            }
        }
        return found;
    }

    /** The URI authenticator apps read from the QR code (Google's key-uri format, understood by all). */
    static String otpauthUri(String issuer, String account, String base32Secret) {
        return "otpauth://totp/" + encode(issuer) + ":" + encode(account) + "?secret=" + base32Secret + "&issuer="
                + encode(issuer) + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + STEP_SECONDS;
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String base32(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) out.append(BASE32.charAt((buffer << (5 - bits)) & 31));
        return out.toString();
    }

    static byte[] unbase32(String text) {
        String clean = text.replace("=", "").replace(" ", "").toUpperCase(Locale.ROOT);
        ByteBuffer out = ByteBuffer.allocate(clean.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (char c : clean.toCharArray()) {
            int value = BASE32.indexOf(c);
            if (value < 0) throw new IllegalArgumentException("Not Base32");
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return out.array();
    }
}

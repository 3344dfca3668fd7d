package org.bollwerk.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * 256-bit random bearer tokens; only their SHA-256 is ever stored. Public so every feature that hands out a
 * token of its own (OpenID tokens for call services) makes and stores it the same way.
 */
public final class AccessTokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AccessTokens() {
    }

    static String newToken() {
        return newToken("bwt_");
    }

    /** A new random token, {@code prefix} followed by 256 random bits (URL-safe Base64). */
    public static String newToken(String prefix) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The form a token is stored and looked up in: hex SHA-256. */
    public static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

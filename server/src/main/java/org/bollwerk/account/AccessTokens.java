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

    /**
     * Whether the query string names an {@code access_token} parameter (decoded as the container would). Such
     * requests are refused with 401 {@code M_MISSING_TOKEN} wherever the caller is resolved; checks that run
     * earlier leave them to that refusal.
     */
    public static boolean inQueryString(String query) {
        if (query == null) return false;
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            try {
                name = java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                // a bad escape: compare the name as written
            }
            if (name.equals("access_token")) return true;
        }
        return false;
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

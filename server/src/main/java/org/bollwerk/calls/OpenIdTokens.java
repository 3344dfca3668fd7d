package org.bollwerk.calls;

import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * OpenID tokens (table {@code openid_tokens}, owned here): random, short-lived, good only for asking
 * "whose token is this?" at the userinfo endpoint. Only their SHA-256 is stored, as for access tokens.
 */
@Repository
class OpenIdTokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Db db;

    OpenIdTokens(Db db) {
        this.db = db;
    }

    /** A new token for {@code userId}, valid until {@code expiresAt} (ms); expired rows are cleared on the way. */
    String issue(String userId, long now, long expiresAt) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = "bwo_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        db.write(() -> {
            db.sql().sql("DELETE FROM openid_tokens WHERE expires_at <= ?").param(now).update();
            db.sql().sql("INSERT INTO openid_tokens (token_hash, user_id, expires_at) VALUES (?, ?, ?)")
                    .params(hash(token), userId, expiresAt).update();
        });
        return token;
    }

    /** The user a still-valid token was issued to. */
    Optional<String> owner(String token, long now) {
        return db.sql().sql("SELECT user_id FROM openid_tokens WHERE token_hash = ? AND expires_at > ?")
                .params(hash(token), now).query(String.class).optional();
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

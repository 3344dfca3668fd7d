package org.bollwerk.calls;

import org.bollwerk.account.AccessTokens;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;

import java.util.Optional;

/**
 * OpenID tokens (table {@code openid_tokens}, owned here): random, short-lived, good only for asking
 * "whose token is this?" at the userinfo endpoint. Only their SHA-256 is stored, as for access tokens.
 */
@Repository
class OpenIdTokens {
    private final Db db;

    OpenIdTokens(Db db) {
        this.db = db;
    }

    /** A new token for {@code userId}, valid until {@code expiresAt} (ms); expired rows are cleared on the way. */
    String issue(String userId, long now, long expiresAt) {
        String token = AccessTokens.newToken("bwo_");
        db.write(() -> {
            db.sql().sql("DELETE FROM openid_tokens WHERE expires_at <= ?").param(now).update();
            db.sql().sql("INSERT INTO openid_tokens (token_hash, user_id, expires_at) VALUES (?, ?, ?)")
                    .params(AccessTokens.hash(token), userId, expiresAt).update();
        });
        return token;
    }

    /** The user a still-valid token was issued to. */
    Optional<String> owner(String token, long now) {
        return db.sql().sql("SELECT user_id FROM openid_tokens WHERE token_hash = ? AND expires_at > ?")
                .params(AccessTokens.hash(token), now).query(String.class).optional();
    }
}

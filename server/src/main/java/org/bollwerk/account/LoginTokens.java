package org.bollwerk.account;

import org.bollwerk.storage.Db;
import org.springframework.stereotype.Service;

import java.util.Optional;

/**
 * Short-lived, single-use login tokens for {@code m.login.token} (table {@code login_tokens}, owned here).
 * {@code /login/get_token} issues them today; single sign-on will issue the same tokens after its callback, so
 * {@code /login} has one way to redeem them. Only the SHA-256 of a token is stored; redeeming deletes it, so a
 * token opens at most one session even when two requests race (the writer runs them one after the other).
 */
@Service
public class LoginTokens {
    /** Who issued a token; kept with it for the audit trail and for SSO's own issuers later. */
    public static final String ISSUED_BY_GET_TOKEN = "get_token";

    private final Db db;
    private final long lifetimeMs;

    LoginTokens(Db db, LoginTokenProperties properties) {
        this.db = db;
        this.lifetimeMs = properties.lifetime().toMillis();
    }

    /** A token and how long it stays valid; the token itself is never logged or stored. */
    public record Issued(String token, long expiresInMs) {
        @Override
        public String toString() {
            return "Issued[expiresInMs=" + expiresInMs + "]";
        }
    }

    /** Issues a token for {@code userId}; expired tokens are cleared on the way. */
    public Issued issue(String userId, String issuedBy) {
        String token = AccessTokens.newToken("bwl_");
        long now = System.currentTimeMillis();
        db.write(() -> {
            db.sql().sql("DELETE FROM login_tokens WHERE expires_at <= ?").param(now).update();
            db.sql().sql("INSERT INTO login_tokens (token_hash, user_id, issued_by, created_ts, expires_at) "
                            + "VALUES (?, ?, ?, ?, ?)")
                    .params(AccessTokens.hash(token), userId, issuedBy, now, now + lifetimeMs).update();
        });
        return new Issued(token, lifetimeMs);
    }

    /** The user a still-valid token was issued to; the token is used up either way. */
    Optional<String> redeem(String token) {
        String hash = AccessTokens.hash(token);
        long now = System.currentTimeMillis();
        return db.write(() -> {
            Optional<String> owner = db.sql().sql("SELECT user_id FROM login_tokens WHERE token_hash = ? AND expires_at > ?")
                    .params(hash, now).query(String.class).optional();
            db.sql().sql("DELETE FROM login_tokens WHERE token_hash = ?").param(hash).update();
            return owner;
        });
    }

    /** Ends every outstanding token of a user (deactivation, password change, lock). */
    void revokeAll(String userId) {
        db.sql().sql("DELETE FROM login_tokens WHERE user_id = ?").param(userId).update();
    }
}

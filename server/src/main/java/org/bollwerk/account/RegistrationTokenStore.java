package org.bollwerk.account;

import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Optional;

/** SQL for the registration_tokens table, which this feature owns. */
@Repository
class RegistrationTokenStore {
    private static final String COLUMNS = "token, tenant_id, uses_allowed, pending, completed, expiry_time";
    private final Db db;

    RegistrationTokenStore(Db db) {
        this.db = db;
    }

    private static RegistrationToken row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        long uses = rs.getLong(3);
        Long usesAllowed = rs.wasNull() ? null : uses;
        long expiry = rs.getLong(6);
        Long expiryTime = rs.wasNull() ? null : expiry;
        return new RegistrationToken(rs.getString(1), rs.getString(2), usesAllowed, rs.getLong(4), rs.getLong(5), expiryTime);
    }

    Optional<RegistrationToken> token(String token) {
        return db.sql().sql("SELECT " + COLUMNS + " FROM registration_tokens WHERE token = ?").param(token)
                .query(RegistrationTokenStore::row).optional();
    }

    /** All tokens, or those of one tenant when {@code tenantId} is not null. */
    List<RegistrationToken> tokens(String tenantId) {
        return db.sql().sql("SELECT " + COLUMNS + " FROM registration_tokens "
                        + "WHERE (CAST(? AS TEXT) IS NULL OR tenant_id = ?) ORDER BY token")
                .params(tenantId, tenantId).query(RegistrationTokenStore::row).list();
    }

    void insert(RegistrationToken token, long now) {
        db.sql().sql("INSERT INTO registration_tokens (token, tenant_id, uses_allowed, pending, completed, expiry_time, "
                        + "created_ts) VALUES (?, ?, ?, 0, 0, ?, ?)")
                .params(token.token(), token.tenantId(), token.usesAllowed(), token.expiryTime(), now).update();
    }

    void update(String token, Long usesAllowed, Long expiryTime) {
        db.sql().sql("UPDATE registration_tokens SET uses_allowed = ?, expiry_time = ? WHERE token = ?")
                .params(usesAllowed, expiryTime, token).update();
    }

    int delete(String token) {
        return db.sql().sql("DELETE FROM registration_tokens WHERE token = ?").param(token).update();
    }

    /**
     * Counts one use if the token is still valid at {@code now}; returns whether it did. One conditional
     * UPDATE, so concurrent registrations (also on other nodes) never exceed uses_allowed.
     */
    boolean consume(String token, long now) {
        return db.sql().sql("UPDATE registration_tokens SET completed = completed + 1 WHERE token = ? "
                        + "AND (uses_allowed IS NULL OR pending + completed < uses_allowed) "
                        + "AND (expiry_time IS NULL OR expiry_time > ?)")
                .params(token, now).update() == 1;
    }
}

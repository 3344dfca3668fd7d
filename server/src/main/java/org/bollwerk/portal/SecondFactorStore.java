package org.bollwerk.portal;

import org.bollwerk.storage.Db;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;

/** The portal's tables: second factors, recovery code hashes, issued admin API tokens. */
@Component
class SecondFactorStore {
    private final Db db;

    SecondFactorStore(Db db) {
        this.db = db;
    }

    record Row(String userId, String tenantId, String secret, boolean confirmed, long lastStep, int failures,
               long lockedUntil) {
    }

    Optional<Row> find(String userId) {
        return db.sql().sql("SELECT user_id, tenant_id, secret, confirmed, last_step, failures, locked_until "
                        + "FROM portal_second_factor WHERE user_id = ?").param(userId)
                .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4) != 0,
                        rs.getLong(5), rs.getInt(6), rs.getLong(7)))
                .optional();
    }

    /** A pending (unconfirmed) secret replaces any earlier pending one; a confirmed one is never replaced here. */
    void putPending(String userId, String tenantId, String encryptedSecret, long now) {
        db.write(() -> {
            db.sql().sql("DELETE FROM portal_second_factor WHERE user_id = ? AND confirmed = 0").param(userId).update();
            db.sql().sql("INSERT INTO portal_second_factor (user_id, tenant_id, secret, confirmed, created_ts) "
                    + "VALUES (?, ?, ?, 0, ?) ON CONFLICT (user_id) DO NOTHING").params(userId, tenantId, encryptedSecret, now).update();
        });
    }

    void confirm(String userId, long step, List<String> recoveryHashes) {
        db.write(() -> {
            db.sql().sql("UPDATE portal_second_factor SET confirmed = 1, last_step = ?, failures = 0 WHERE user_id = ?")
                    .params(step, userId).update();
            replaceRecoveryCodes(userId, recoveryHashes);
        });
    }

    void replaceRecoveryCodes(String userId, List<String> hashes) {
        db.write(() -> {
            db.sql().sql("DELETE FROM portal_recovery_codes WHERE user_id = ?").param(userId).update();
            for (String hash : hashes) {
                db.sql().sql("INSERT INTO portal_recovery_codes (user_id, code_hash) VALUES (?, ?)").params(userId, hash).update();
            }
        });
    }

    /** Accepts a step only if it is newer than the last accepted one (two racing logins: one wins). */
    boolean accept(String userId, long step) {
        return db.write(() -> db.sql().sql("UPDATE portal_second_factor SET last_step = ?, failures = 0, locked_until = 0 "
                + "WHERE user_id = ? AND last_step < ?").params(step, userId, step).update() == 1);
    }

    /** Spends an unused recovery code; false if it is unknown or spent. */
    boolean spendRecoveryCode(String userId, String hash, long now) {
        return db.write(() -> {
            int spent = db.sql().sql("UPDATE portal_recovery_codes SET used_ts = ? WHERE user_id = ? AND code_hash = ? "
                    + "AND used_ts IS NULL").params(now, userId, hash).update();
            if (spent == 1) {
                db.sql().sql("UPDATE portal_second_factor SET failures = 0, locked_until = 0 WHERE user_id = ?")
                        .param(userId).update();
            }
            return spent == 1;
        });
    }

    int unusedRecoveryCodes(String userId) {
        return db.sql().sql("SELECT COUNT(*) FROM portal_recovery_codes WHERE user_id = ? AND used_ts IS NULL")
                .param(userId).query(Integer.class).single();
    }

    /** Counts a wrong code; locks codes until {@code lockUntil} once {@code max} failures are reached. */
    void fail(String userId, int max, long lockUntil) {
        db.write(() -> {
            db.sql().sql("UPDATE portal_second_factor SET failures = failures + 1 WHERE user_id = ?").param(userId).update();
            db.sql().sql("UPDATE portal_second_factor SET locked_until = ?, failures = 0 WHERE user_id = ? AND failures >= ?")
                    .params(lockUntil, userId, max).update();
        });
    }

    void remove(String userId) {
        db.write(() -> {
            db.sql().sql("DELETE FROM portal_second_factor WHERE user_id = ?").param(userId).update();
            db.sql().sql("DELETE FROM portal_recovery_codes WHERE user_id = ?").param(userId).update();
        });
    }

    void insertApiToken(String tokenHash, String userId, String deviceId, long now, long expires) {
        db.write(() -> db.sql().sql("INSERT INTO portal_api_tokens (token_hash, user_id, device_id, created_ts, expires_ts) "
                + "VALUES (?, ?, ?, ?, ?)").params(tokenHash, userId, deviceId, now, expires).update());
    }

    Optional<Long> apiTokenExpiry(String tokenHash) {
        return db.sql().sql("SELECT expires_ts FROM portal_api_tokens WHERE token_hash = ?").param(tokenHash)
                .query(Long.class).optional();
    }

    record IssuedToken(String userId, String deviceId) {
    }

    /** Removes the rows of tokens expired before {@code now} and returns whose devices they were. */
    List<IssuedToken> takeExpired(long now) {
        return db.write(() -> {
            List<IssuedToken> expired = db.sql().sql("SELECT user_id, device_id FROM portal_api_tokens WHERE expires_ts < ?")
                    .param(now).query((rs, n) -> new IssuedToken(rs.getString(1), rs.getString(2))).list();
            db.sql().sql("DELETE FROM portal_api_tokens WHERE expires_ts < ?").param(now).update();
            return expired;
        });
    }
}

package org.bollwerk.account;

import org.bollwerk.keys.AtRestCipher;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Optional;

/** SQL for the users, devices and access_tokens tables, which this feature owns. */
@Repository
class AccountStore {
    private final Db db;
    private final AtRestCipher cipher;

    AccountStore(Db db, AtRestCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    /** Device display names are personal data: encrypted at rest, bound to their device. */
    private String sealName(String userId, String deviceId, String displayName) {
        if (displayName == null) return null;
        String tenant = db.sql().sql("SELECT tenant_id FROM users WHERE user_id = ?").param(userId).query(String.class)
                .optional().orElse(org.bollwerk.tenant.Tenant.DEFAULT_ID);
        return cipher.encryptText(tenant, displayName, deviceAad(userId, deviceId));
    }

    static String deviceAad(String userId, String deviceId) {
        return "device\0" + userId + "\0" + deviceId;
    }

    /** The last-seen IP address of a device is personal data too: encrypted like the name, bound to the device. */
    private String sealIp(String userId, String deviceId, String ip) {
        if (ip == null) return null;
        String tenant = db.sql().sql("SELECT tenant_id FROM users WHERE user_id = ?").param(userId).query(String.class)
                .optional().orElse(org.bollwerk.tenant.Tenant.DEFAULT_ID);
        return cipher.encryptText(tenant, ip, ipAad(userId, deviceId));
    }

    static String ipAad(String userId, String deviceId) {
        return "device-ip\0" + userId + "\0" + deviceId;
    }

    record Credentials(String userId, String passwordHash, boolean deactivated, boolean locked, boolean admin,
                       String tenantId) {
    }

    boolean userExists(String userId) {
        return db.sql().sql("SELECT 1 FROM users WHERE user_id = ?").param(userId).query(Integer.class).optional()
                .isPresent();
    }

    void insertUser(String userId, String tenantId, String localpart, String passwordHash, boolean admin, long now) {
        db.sql().sql("INSERT INTO users (user_id, tenant_id, localpart, password_hash, admin, created_ts) "
                        + "VALUES (?, ?, ?, ?, ?, ?)")
                .params(userId, tenantId, localpart, passwordHash, admin ? 1 : 0, now).update();
    }

    Optional<UserAccount> user(String userId) {
        return db.sql().sql("SELECT user_id, tenant_id, admin, deactivated, locked, created_ts FROM users WHERE user_id = ?")
                .param(userId)
                .query((rs, n) -> new UserAccount(rs.getString(1), rs.getString(2), rs.getInt(3) == 1,
                        rs.getInt(4) == 1, rs.getInt(5) == 1, rs.getLong(6)))
                .optional();
    }

    List<UserAccount> users(String tenantId, String afterUserId, int limit) {
        return db.sql().sql("SELECT user_id, tenant_id, admin, deactivated, locked, created_ts FROM users "
                        + "WHERE (CAST(? AS TEXT) IS NULL OR tenant_id = ?) AND user_id > ? ORDER BY user_id LIMIT ?")
                .params(tenantId, tenantId, afterUserId, limit)
                .query((rs, n) -> new UserAccount(rs.getString(1), rs.getString(2), rs.getInt(3) == 1,
                        rs.getInt(4) == 1, rs.getInt(5) == 1, rs.getLong(6)))
                .list();
    }

    long countUsers(String tenantId) {
        return db.sql().sql("SELECT COUNT(*) FROM users WHERE (CAST(? AS TEXT) IS NULL OR tenant_id = ?)")
                .params(tenantId, tenantId).query(Long.class).single();
    }

    /** Accounts (of one tenant, or all) with a device seen at or after {@code sinceTs}. */
    long countActiveUsers(String tenantId, long sinceTs) {
        return db.sql().sql("SELECT COUNT(DISTINCT d.user_id) FROM devices d JOIN users u ON u.user_id = d.user_id "
                        + "WHERE (CAST(? AS TEXT) IS NULL OR u.tenant_id = ?) AND d.last_seen_ts >= ?")
                .params(tenantId, tenantId, sinceTs).query(Long.class).single();
    }

    /** Whether any account (active or not) has a user ID on {@code domain}. */
    boolean anyUserOnDomain(String domain) {
        String suffix = ":" + domain;
        return db.sql().sql("SELECT 1 FROM users WHERE SUBSTR(user_id, LENGTH(user_id) - LENGTH(?) + 1) = ? LIMIT 1")
                .params(suffix, suffix).query(Integer.class).optional().isPresent();
    }

    Optional<Credentials> credentials(String userId) {
        return db.sql().sql("SELECT user_id, password_hash, deactivated, locked, admin, tenant_id FROM users WHERE user_id = ?")
                .param(userId)
                .query((rs, n) -> new Credentials(rs.getString(1), rs.getString(2), rs.getInt(3) == 1,
                        rs.getInt(4) == 1, rs.getInt(5) == 1, rs.getString(6)))
                .optional();
    }

    void setPasswordHash(String userId, String hash) {
        db.sql().sql("UPDATE users SET password_hash = ? WHERE user_id = ?").params(hash, userId).update();
    }

    void setFlag(String userId, String column, boolean value) {
        if (!List.of("admin", "deactivated", "locked", "suspended").contains(column)) throw new IllegalArgumentException(column);
        db.sql().sql("UPDATE users SET " + column + " = ? WHERE user_id = ?").params(value ? 1 : 0, userId).update();
    }

    void upsertDevice(String userId, String deviceId, String displayName, long now, String ip) {
        db.sql().sql("INSERT INTO devices (user_id, device_id, display_name, created_ts, last_seen_ts, last_seen_ip) "
                        + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, device_id) DO UPDATE SET "
                        + "last_seen_ts = excluded.last_seen_ts, last_seen_ip = excluded.last_seen_ip, "
                        + "display_name = COALESCE(excluded.display_name, devices.display_name)")
                .params(userId, deviceId, sealName(userId, deviceId, displayName), now, now, sealIp(userId, deviceId, ip))
                .update();
    }

    List<Device> devices(String userId) {
        return db.sql().sql("SELECT user_id, device_id, display_name, last_seen_ts, last_seen_ip FROM devices "
                        + "WHERE user_id = ? ORDER BY device_id")
                .param(userId).query(this::device).list();
    }

    Optional<Device> device(String userId, String deviceId) {
        return db.sql().sql("SELECT user_id, device_id, display_name, last_seen_ts, last_seen_ip FROM devices "
                        + "WHERE user_id = ? AND device_id = ?")
                .params(userId, deviceId).query(this::device).optional();
    }

    private Device device(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        long seen = rs.getLong(4);
        Long lastSeen = rs.wasNull() ? null : seen;
        String name = cipher.decryptText(rs.getString(3), deviceAad(rs.getString(1), rs.getString(2)));
        String ip = cipher.decryptText(rs.getString(5), ipAad(rs.getString(1), rs.getString(2)));
        return new Device(rs.getString(1), rs.getString(2), name, lastSeen, ip);
    }

    int renameDevice(String userId, String deviceId, String displayName) {
        return db.sql().sql("UPDATE devices SET display_name = ? WHERE user_id = ? AND device_id = ?")
                .params(sealName(userId, deviceId, displayName), userId, deviceId).update();
    }

    int deleteDevice(String userId, String deviceId) {
        db.sql().sql("DELETE FROM access_tokens WHERE user_id = ? AND device_id = ?").params(userId, deviceId).update();
        return db.sql().sql("DELETE FROM devices WHERE user_id = ? AND device_id = ?").params(userId, deviceId).update();
    }

    void touchDevice(String userId, String deviceId, long now, String ip) {
        db.sql().sql("UPDATE devices SET last_seen_ts = ?, last_seen_ip = ? WHERE user_id = ? AND device_id = ?")
                .params(now, sealIp(userId, deviceId, ip), userId, deviceId).update();
    }

    void insertToken(String tokenHash, String userId, String deviceId, long now) {
        db.sql().sql("INSERT INTO access_tokens (token_hash, user_id, device_id, created_ts) VALUES (?, ?, ?, ?)")
                .params(tokenHash, userId, deviceId, now).update();
    }

    record TokenOwner(String userId, String deviceId, String tenantId, boolean admin, boolean deactivated,
                      boolean locked, boolean suspended) {
    }

    Optional<TokenOwner> tokenOwner(String tokenHash) {
        return db.sql().sql("SELECT t.user_id, t.device_id, u.tenant_id, u.admin, u.deactivated, u.locked, u.suspended "
                        + "FROM access_tokens t JOIN users u ON u.user_id = t.user_id WHERE t.token_hash = ?")
                .param(tokenHash)
                .query((rs, n) -> new TokenOwner(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getInt(4) == 1, rs.getInt(5) == 1, rs.getInt(6) == 1, rs.getInt(7) == 1))
                .optional();
    }

    boolean suspended(String userId) {
        return db.sql().sql("SELECT suspended FROM users WHERE user_id = ?").param(userId).query(Integer.class)
                .optional().map(v -> v == 1).orElse(false);
    }

    void deleteTokensOfDevice(String userId, String deviceId) {
        db.sql().sql("DELETE FROM access_tokens WHERE user_id = ? AND device_id = ?").params(userId, deviceId).update();
    }

    void deleteTokensExcept(String userId, String keepDeviceId) {
        db.sql().sql("DELETE FROM access_tokens WHERE user_id = ? AND (CAST(? AS TEXT) IS NULL OR device_id <> ?)")
                .params(userId, keepDeviceId, keepDeviceId).update();
    }

    List<String> deviceIds(String userId) {
        return db.sql().sql("SELECT device_id FROM devices WHERE user_id = ?").param(userId).query(String.class).list();
    }
}

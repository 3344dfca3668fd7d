package org.bollwerk.account;

import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** SQL for the service_accounts table, which this feature owns. Lists are stored space-separated. */
@Repository
class ServiceAccountStore {
    private static final String COLUMNS = "id, name, created_by, permissions, tenants, sources, created_ts, expires_ts, "
            + "revoked_ts, last_used_ts, last_used_ip";
    private final Db db;

    ServiceAccountStore(Db db) {
        this.db = db;
    }

    private static ServiceAccount row(ResultSet rs, int n) throws SQLException {
        long revoked = rs.getLong(9);
        Long revokedTs = rs.wasNull() ? null : revoked;
        long used = rs.getLong(10);
        Long usedTs = rs.wasNull() ? null : used;
        return new ServiceAccount(rs.getString(1), rs.getString(2), rs.getString(3), words(rs.getString(4)),
                words(rs.getString(5)), words(rs.getString(6)), rs.getLong(7), rs.getLong(8), revokedTs, usedTs,
                rs.getString(11));
    }

    private static List<String> words(String text) {
        return text == null || text.isBlank() ? List.of() : Arrays.asList(text.trim().split(" +"));
    }

    private static String joined(List<String> words) {
        return String.join(" ", words);
    }

    void insert(ServiceAccount account, String tokenHash) {
        db.sql().sql("INSERT INTO service_accounts (id, token_hash, name, created_by, permissions, tenants, sources, "
                        + "created_ts, expires_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(account.id(), tokenHash, account.name(), account.createdBy(), joined(account.permissions()),
                        joined(account.tenants()), joined(account.sources()), account.createdTs(), account.expiresTs())
                .update();
    }

    Optional<ServiceAccount> byTokenHash(String tokenHash) {
        return db.sql().sql("SELECT " + COLUMNS + " FROM service_accounts WHERE token_hash = ?").param(tokenHash)
                .query(ServiceAccountStore::row).optional();
    }

    Optional<ServiceAccount> byId(String id) {
        return db.sql().sql("SELECT " + COLUMNS + " FROM service_accounts WHERE id = ?").param(id)
                .query(ServiceAccountStore::row).optional();
    }

    /** All service accounts, or those {@code createdBy} made when not null; newest first. */
    List<ServiceAccount> list(String createdBy) {
        return db.sql().sql("SELECT " + COLUMNS + " FROM service_accounts "
                        + "WHERE (CAST(? AS TEXT) IS NULL OR created_by = ?) ORDER BY created_ts DESC, id")
                .params(createdBy, createdBy).query(ServiceAccountStore::row).list();
    }

    /** Revokes it unless it already was; returns whether this call did. */
    boolean revoke(String id, long now) {
        return db.sql().sql("UPDATE service_accounts SET revoked_ts = ? WHERE id = ? AND revoked_ts IS NULL")
                .params(now, id).update() == 1;
    }

    void noteUse(String id, long now, String ip) {
        db.sql().sql("UPDATE service_accounts SET last_used_ts = ?, last_used_ip = ? WHERE id = ?")
                .params(now, ip, id).update();
    }
}

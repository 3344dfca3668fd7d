package org.bollwerk.keys;

import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;

import java.util.List;

/** SQL for the at_rest_keys table, which this feature owns. */
@Repository
class DataKeyStore {
    static final String ACTIVE = "active";
    static final String SHREDDED = "shredded";

    private final Db db;

    DataKeyStore(Db db) {
        this.db = db;
    }

    record WrappedKey(String tenantId, int version, byte[] wrapped, String kekId, String state, long createdTs) {
    }

    private static final String COLUMNS = "tenant_id, version, wrapped_key, kek_id, state, created_ts";

    private static WrappedKey row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new WrappedKey(rs.getString(1), rs.getInt(2), rs.getBytes(3), rs.getString(4), rs.getString(5), rs.getLong(6));
    }

    List<WrappedKey> all() {
        return db.sql().sql("SELECT " + COLUMNS + " FROM at_rest_keys ORDER BY tenant_id, version").query(DataKeyStore::row).list();
    }

    List<WrappedKey> ofTenant(String tenantId) {
        return db.sql().sql("SELECT " + COLUMNS + " FROM at_rest_keys WHERE tenant_id = ? ORDER BY version")
                .param(tenantId).query(DataKeyStore::row).list();
    }

    /** @return false when another writer inserted this version first */
    boolean insert(String tenantId, int version, byte[] wrapped, String kekId, long now) {
        return db.sql().sql("INSERT INTO at_rest_keys (tenant_id, version, wrapped_key, kek_id, state, created_ts) "
                        + "VALUES (?, ?, ?, ?, 'active', ?) ON CONFLICT (tenant_id, version) DO NOTHING")
                .params(tenantId, version, wrapped, kekId, now).update() == 1;
    }

    void rewrap(String tenantId, int version, byte[] wrapped, String kekId) {
        db.sql().sql("UPDATE at_rest_keys SET wrapped_key = ?, kek_id = ? WHERE tenant_id = ? AND version = ?")
                .params(wrapped, kekId, tenantId, version).update();
    }

    int shred(String tenantId) {
        return db.sql().sql("UPDATE at_rest_keys SET wrapped_key = NULL, state = 'shredded' WHERE tenant_id = ? "
                        + "AND state <> 'shredded'")
                .param(tenantId).update();
    }
}

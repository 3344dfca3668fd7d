package org.bollwerk.keys;

import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;

import java.util.List;

/** SQL for the audit_signing_keys table, which this feature owns. */
@Repository
class AuditKeyStore {
    private final Db db;

    AuditKeyStore(Db db) {
        this.db = db;
    }

    record StoredKey(String keyId, String publicKey, byte[] wrapped, String kekId, long createdTs) {
    }

    List<StoredKey> all() {
        return db.sql().sql("SELECT key_id, public_key, wrapped_key, kek_id, created_ts FROM audit_signing_keys "
                        + "ORDER BY created_ts, key_id")
                .query((rs, n) -> new StoredKey(rs.getString(1), rs.getString(2), rs.getBytes(3), rs.getString(4),
                        rs.getLong(5)))
                .list();
    }

    /** @return false when another node stored a key first */
    boolean insertFirst(String keyId, String publicKey, byte[] wrapped, String kekId, long now) {
        if (!all().isEmpty()) return false;
        return db.sql().sql("INSERT INTO audit_signing_keys (key_id, public_key, wrapped_key, kek_id, created_ts) "
                        + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key_id) DO NOTHING")
                .params(keyId, publicKey, wrapped, kekId, now).update() == 1;
    }

    void rewrap(String keyId, byte[] wrapped, String kekId) {
        db.sql().sql("UPDATE audit_signing_keys SET wrapped_key = ?, kek_id = ? WHERE key_id = ?")
                .params(wrapped, kekId, keyId).update();
    }
}

package org.bollwerk.userdata;

import org.bollwerk.keys.AtRestCipher;
import org.bollwerk.keys.ReencryptionSource;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Component;

import java.util.List;

/** Lets the re-encryption job move custom profile fields ({@code profile_fields.value}) to the newest key version. */
@Component
class ProfileFieldReencryption implements ReencryptionSource {
    private final Db db;
    private final AtRestCipher cipher;

    ProfileFieldReencryption(Db db, AtRestCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    @Override
    public String name() {
        return "profile_fields";
    }

    @Override
    public long count() {
        return db.sql().sql("SELECT COUNT(*) FROM profile_fields").query(Long.class).single();
    }

    private record Row(String userId, String key, String tenantId, String value) {
    }

    /** The cursor is {@code userId\nkey} (neither contains a line break). */
    @Override
    public Batch reencrypt(String afterCursor, int limit) {
        String[] after = afterCursor == null ? new String[]{"", ""} : afterCursor.split("\n", 2);
        return db.write(() -> {
            List<Row> rows = db.sql().sql("SELECT f.user_id, f.key_name, p.tenant_id, f.value FROM profile_fields f "
                            + "LEFT JOIN profiles p ON p.user_id = f.user_id WHERE f.user_id > ? OR (f.user_id = ? AND "
                            + "f.key_name > ?) ORDER BY f.user_id, f.key_name LIMIT ?")
                    .params(after[0], after[0], after[1], limit)
                    .query((rs, n) -> new Row(rs.getString(1), rs.getString(2),
                            rs.getString(3) == null ? org.bollwerk.tenant.Tenant.DEFAULT_ID : rs.getString(3), rs.getString(4)))
                    .list();
            if (rows.isEmpty()) return Batch.END;
            for (Row row : rows) {
                String fresh = cipher.reencryptText(row.tenantId(), row.value(), ProfileFieldStore.aad(row.userId(), row.key()));
                if (fresh != null) {
                    db.sql().sql("UPDATE profile_fields SET value = ? WHERE user_id = ? AND key_name = ?")
                            .params(fresh, row.userId(), row.key()).update();
                }
            }
            Row last = rows.getLast();
            return new Batch(last.userId() + "\n" + last.key(), rows.size());
        });
    }
}

package org.bollwerk.userdata;

import org.bollwerk.keys.AtRestCipher;
import org.bollwerk.keys.ReencryptionSource;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Component;

import java.util.List;

/** Lets the re-encryption job move account data ({@code account_data.content}) to the newest key version. */
@Component
class AccountDataReencryption implements ReencryptionSource {
    private final Db db;
    private final AtRestCipher cipher;

    AccountDataReencryption(Db db, AtRestCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    @Override
    public String name() {
        return "account_data";
    }

    @Override
    public long count() {
        return db.sql().sql("SELECT COUNT(*) FROM account_data").query(Long.class).single();
    }

    private record Row(String userId, String roomId, String type, String tenantId, String content) {
    }

    /** The cursor is {@code userId\nroomId\ntype} (user and room IDs contain no line break). */
    @Override
    public Batch reencrypt(String afterCursor, int limit) {
        String[] after = afterCursor == null ? new String[]{"", "", ""} : afterCursor.split("\n", 3);
        return db.write(() -> {
            List<Row> rows = db.sql().sql("SELECT a.user_id, a.room_id, a.type, p.tenant_id, a.content FROM account_data a "
                            + "LEFT JOIN profiles p ON p.user_id = a.user_id WHERE a.user_id > ? OR (a.user_id = ? AND "
                            + "(a.room_id > ? OR (a.room_id = ? AND a.type > ?))) ORDER BY a.user_id, a.room_id, a.type LIMIT ?")
                    .params(after[0], after[0], after[1], after[1], after[2], limit)
                    .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4) == null ? org.bollwerk.tenant.Tenant.DEFAULT_ID : rs.getString(4), rs.getString(5)))
                    .list();
            if (rows.isEmpty()) return Batch.END;
            for (Row row : rows) {
                String fresh = cipher.reencryptText(row.tenantId(), row.content(),
                        AccountDataStore.aad(row.userId(), row.roomId(), row.type()));
                if (fresh != null) {
                    db.sql().sql("UPDATE account_data SET content = ? WHERE user_id = ? AND room_id = ? AND type = ?")
                            .params(fresh, row.userId(), row.roomId(), row.type()).update();
                }
            }
            Row last = rows.getLast();
            return new Batch(last.userId() + "\n" + last.roomId() + "\n" + last.type(), rows.size());
        });
    }
}

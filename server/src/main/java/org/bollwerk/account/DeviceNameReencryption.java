package org.bollwerk.account;

import org.bollwerk.keys.AtRestCipher;
import org.bollwerk.keys.ReencryptionSource;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Component;

import java.util.List;

/** Lets the re-encryption job move device display names and last-seen IPs ({@code devices}) to the newest key version. */
@Component
class DeviceNameReencryption implements ReencryptionSource {
    private final Db db;
    private final AtRestCipher cipher;

    DeviceNameReencryption(Db db, AtRestCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    @Override
    public String name() {
        return "device_names";
    }

    @Override
    public long count() {
        return db.sql().sql("SELECT COUNT(*) FROM devices").query(Long.class).single();
    }

    private record Row(String userId, String deviceId, String tenantId, String name, String ip) {
    }

    /** The cursor is {@code userId\ndeviceId} (user IDs contain no line break). */
    @Override
    public Batch reencrypt(String afterCursor, int limit) {
        String[] after = afterCursor == null ? new String[]{"", ""} : afterCursor.split("\n", 2);
        return db.write(() -> {
            List<Row> rows = db.sql().sql("SELECT d.user_id, d.device_id, u.tenant_id, d.display_name, d.last_seen_ip FROM devices d "
                            + "JOIN users u ON u.user_id = d.user_id WHERE d.user_id > ? OR (d.user_id = ? AND d.device_id > ?) "
                            + "ORDER BY d.user_id, d.device_id LIMIT ?")
                    .params(after[0], after[0], after[1], limit)
                    .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                    .list();
            if (rows.isEmpty()) return Batch.END;
            for (Row row : rows) {
                String fresh = cipher.reencryptText(row.tenantId(), row.name(), AccountStore.deviceAad(row.userId(), row.deviceId()));
                if (fresh != null) {
                    db.sql().sql("UPDATE devices SET display_name = ? WHERE user_id = ? AND device_id = ?")
                            .params(fresh, row.userId(), row.deviceId()).update();
                }
                String freshIp = cipher.reencryptText(row.tenantId(), row.ip(), AccountStore.ipAad(row.userId(), row.deviceId()));
                if (freshIp != null) {
                    db.sql().sql("UPDATE devices SET last_seen_ip = ? WHERE user_id = ? AND device_id = ?")
                            .params(freshIp, row.userId(), row.deviceId()).update();
                }
            }
            Row last = rows.getLast();
            return new Batch(last.userId() + "\n" + last.deviceId(), rows.size());
        });
    }
}

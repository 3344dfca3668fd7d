package org.bollwerk.media;

import org.bollwerk.keys.ReencryptionSource;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Component;

import java.util.List;

/** Lets the re-encryption job move uploaded files and their thumbnails to the newest data key version. */
@Component
class MediaReencryption implements ReencryptionSource {
    private final Db db;
    private final MediaFiles files;

    MediaReencryption(Db db, MediaFiles files) {
        this.db = db;
        this.files = files;
    }

    @Override
    public String name() {
        return "media";
    }

    @Override
    public long count() {
        return db.sql().sql("SELECT COUNT(*) FROM media WHERE uploaded = 1").query(Long.class).single();
    }

    private record Row(String serverName, String mediaId, String tenantId) {
    }

    /** The cursor is {@code serverName\nmediaId}; a file and its thumbnails count as one value. */
    @Override
    public Batch reencrypt(String afterCursor, int limit) {
        String[] after = afterCursor == null ? new String[]{"", ""} : afterCursor.split("\n", 2);
        List<Row> rows = db.sql().sql("SELECT server_name, media_id, tenant_id FROM media WHERE uploaded = 1 "
                        + "AND (server_name > ? OR (server_name = ? AND media_id > ?)) ORDER BY server_name, media_id LIMIT ?")
                .params(after[0], after[0], after[1], limit)
                .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3))).list();
        if (rows.isEmpty()) return Batch.END;
        for (Row row : rows) {
            files.reencrypt(row.tenantId(), row.serverName(), row.mediaId(), "");
            List<String> variants = db.sql().sql("SELECT width, height, method FROM media_thumbnails "
                            + "WHERE server_name = ? AND media_id = ?")
                    .params(row.serverName(), row.mediaId())
                    .query((rs, n) -> MediaService.thumbnailVariant(rs.getInt(1), rs.getInt(2), rs.getString(3))).list();
            for (String variant : variants) files.reencrypt(row.tenantId(), row.serverName(), row.mediaId(), variant);
        }
        Row last = rows.getLast();
        return new Batch(last.serverName() + "\n" + last.mediaId(), rows.size());
    }
}

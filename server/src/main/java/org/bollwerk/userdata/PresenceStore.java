package org.bollwerk.userdata;

import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** SQL for the presence table: one row per user that ever had a presence. */
@Repository
class PresenceStore {
    private static final int CHUNK = 500;
    private final Db db;

    PresenceStore(Db db) {
        this.db = db;
    }

    record Row(String userId, String state, String statusMsg, long lastActiveTs, long position) {
    }

    Optional<Row> row(String userId) {
        return db.sql().sql("SELECT user_id, state, status_msg, last_active_ts, stream_position FROM presence WHERE user_id = ?")
                .param(userId).query(PresenceStore::row).optional();
    }

    /** Writes a presence change; a change to a state other than offline also counts as a sign of life. */
    void upsert(String userId, String state, String statusMsg, long lastActiveTs, long position) {
        db.sql().sql("INSERT INTO presence (user_id, state, status_msg, last_active_ts, stream_position, last_sync_ts) "
                        + "VALUES (?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, status_msg = excluded.status_msg, "
                        + "last_active_ts = excluded.last_active_ts, stream_position = excluded.stream_position, "
                        + "last_sync_ts = CASE WHEN excluded.state = 'offline' THEN presence.last_sync_ts "
                        + "ELSE excluded.last_sync_ts END")
                .params(userId, state, statusMsg, lastActiveTs, position, lastActiveTs).update();
    }

    List<String> changedUsers(long fromExclusive, long toInclusive, int limit) {
        List<String> newestFirst = db.sql().sql("SELECT user_id FROM presence WHERE stream_position > ? AND stream_position <= ? "
                        + "ORDER BY stream_position DESC LIMIT ?")
                .params(fromExclusive, toInclusive, limit).query(String.class).list();
        return newestFirst.reversed();
    }

    /** Users shown as online or unavailable whose last sign of life is older than {@code cutoff}. */
    List<String> stale(long cutoff) {
        return db.sql().sql("SELECT user_id FROM presence WHERE state <> 'offline' AND last_sync_ts < ? ORDER BY user_id")
                .param(cutoff).query(String.class).list();
    }

    /** Whether the user still has no sign of life after {@code cutoff} and is not offline (read in the write). */
    boolean stillStale(String userId, long cutoff) {
        return db.sql().sql("SELECT COUNT(*) FROM presence WHERE user_id = ? AND state <> 'offline' AND last_sync_ts < ?")
                .params(userId, cutoff).query(Integer.class).single() > 0;
    }

    List<Row> changes(Collection<String> userIds, long fromExclusive, long toInclusive) {
        if (userIds.isEmpty()) return List.of();
        List<String> ids = List.copyOf(userIds);
        List<Row> rows = new ArrayList<>();
        for (int start = 0; start < ids.size(); start += CHUNK) {
            List<String> chunk = ids.subList(start, Math.min(ids.size(), start + CHUNK));
            List<Object> params = new ArrayList<>(chunk);
            params.add(fromExclusive);
            params.add(toInclusive);
            rows.addAll(db.sql().sql("SELECT user_id, state, status_msg, last_active_ts, stream_position FROM presence "
                            + "WHERE user_id IN (" + String.join(",", Collections.nCopies(chunk.size(), "?")) + ") "
                            + "AND stream_position > ? AND stream_position <= ? ORDER BY stream_position")
                    .params(params).query(PresenceStore::row).list());
        }
        return rows;
    }

    private static Row row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5));
    }
}

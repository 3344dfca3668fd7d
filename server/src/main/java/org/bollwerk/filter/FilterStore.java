package org.bollwerk.filter;

import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;

import java.util.Optional;

/** SQL for the user_filters table, which this feature owns. */
@Repository
class FilterStore {
    private final Db db;

    FilterStore(Db db) {
        this.db = db;
    }

    Optional<Long> findSame(String userId, String json) {
        return db.sql().sql("SELECT filter_id FROM user_filters WHERE user_id = ? AND filter_json = ? "
                        + "ORDER BY filter_id LIMIT 1")
                .params(userId, json).query(Long.class).optional();
    }

    /** Inserts with the user's next free ID; false if a concurrent writer took that ID first. */
    boolean insertNext(String userId, String json, long now) {
        return db.sql().sql("INSERT INTO user_filters (user_id, filter_id, filter_json, created_ts) "
                        + "SELECT ?, COALESCE(MAX(filter_id), -1) + 1, ?, ? FROM user_filters WHERE user_id = ? "
                        + "ON CONFLICT (user_id, filter_id) DO NOTHING")
                .params(userId, json, now, userId).update() == 1;
    }

    Optional<String> json(String userId, long filterId) {
        return db.sql().sql("SELECT filter_json FROM user_filters WHERE user_id = ? AND filter_id = ?")
                .params(userId, filterId).query(String.class).optional();
    }
}

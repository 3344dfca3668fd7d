package org.bollwerk.userdata;

import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** SQL for the profiles table. */
@Repository
class ProfileStore {
    private final Db db;

    ProfileStore(Db db) {
        this.db = db;
    }

    record Row(String userId, String tenantId, String displayName, String avatarUrl, boolean deactivated) {
    }

    void insert(String userId, String tenantId, String localpart, String displayName) {
        db.sql().sql("INSERT INTO profiles (user_id, tenant_id, localpart, displayname, search_name) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (user_id) DO NOTHING")
                .params(userId, tenantId, localpart, displayName, lower(displayName)).update();
    }

    Optional<Row> row(String userId) {
        return db.sql().sql("SELECT user_id, tenant_id, displayname, avatar_url, deactivated FROM profiles WHERE user_id = ?")
                .param(userId)
                .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getInt(5) == 1))
                .optional();
    }

    void setDisplayName(String userId, String displayName) {
        db.sql().sql("UPDATE profiles SET displayname = ?, search_name = ? WHERE user_id = ?")
                .params(displayName, lower(displayName), userId).update();
    }

    void setAvatarUrl(String userId, String avatarUrl) {
        db.sql().sql("UPDATE profiles SET avatar_url = ? WHERE user_id = ?").params(avatarUrl, userId).update();
    }

    void deactivate(String userId, boolean erase) {
        if (erase) {
            db.sql().sql("UPDATE profiles SET deactivated = 1, displayname = NULL, avatar_url = NULL, search_name = NULL "
                    + "WHERE user_id = ?").param(userId).update();
        } else {
            db.sql().sql("UPDATE profiles SET deactivated = 1 WHERE user_id = ?").param(userId).update();
        }
    }

    record Hit(String userId, String displayName, String avatarUrl) {
    }

    /** Active users of the tenants whose localpart or display name contains {@code term}, case-insensitively. */
    List<Hit> search(List<String> tenantIds, String term, int limit) {
        String like = "%" + lower(term).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        String placeholders = String.join(", ", java.util.Collections.nCopies(tenantIds.size(), "?"));
        List<Object> params = new java.util.ArrayList<>(tenantIds);
        params.addAll(List.of(like, like, limit));
        return db.sql().sql("SELECT user_id, displayname, avatar_url FROM profiles "
                        + "WHERE tenant_id IN (" + placeholders + ") AND deactivated = 0 "
                        + "AND (LOWER(localpart) LIKE ? ESCAPE '\\' OR search_name LIKE ? ESCAPE '\\') "
                        + "ORDER BY user_id LIMIT ?")
                .params(params)
                .query((rs, n) -> new Hit(rs.getString(1), rs.getString(2), rs.getString(3)))
                .list();
    }

    private static String lower(String text) {
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }
}

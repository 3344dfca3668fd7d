package org.bollwerk.userdata;

import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** SQL for the pushers table. Pushers are stored and listed only: Bollwerk sends no pushes. */
@Repository
class PusherStore {
    private final Db db;

    PusherStore(Db db) {
        this.db = db;
    }

    record Pusher(String pushkey, String kind, String appId, String appDisplayName, String deviceDisplayName,
                  String profileTag, String lang, ObjectNode data) {
    }

    List<Pusher> pushers(String userId) {
        return db.sql().sql("SELECT pushkey, kind, app_id, app_display_name, device_display_name, profile_tag, lang, data "
                        + "FROM pushers WHERE user_id = ? ORDER BY created_ts, app_id, pushkey")
                .param(userId)
                .query((rs, n) -> new Pusher(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7),
                        Json.parseObject(rs.getString(8).getBytes(StandardCharsets.UTF_8))))
                .list();
    }

    void upsert(String userId, String deviceId, Pusher p, long now) {
        db.sql().sql("INSERT INTO pushers (user_id, app_id, pushkey, kind, app_display_name, device_display_name, "
                        + "profile_tag, lang, data, device_id, created_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (user_id, app_id, pushkey) DO UPDATE SET kind = excluded.kind, "
                        + "app_display_name = excluded.app_display_name, device_display_name = excluded.device_display_name, "
                        + "profile_tag = excluded.profile_tag, lang = excluded.lang, data = excluded.data, "
                        + "device_id = excluded.device_id")
                .params(userId, p.appId(), p.pushkey(), p.kind(), p.appDisplayName(), p.deviceDisplayName(),
                        p.profileTag(), p.lang(), Json.write(p.data()), deviceId, now)
                .update();
    }

    int delete(String userId, String appId, String pushkey) {
        return db.sql().sql("DELETE FROM pushers WHERE user_id = ? AND app_id = ? AND pushkey = ?")
                .params(userId, appId, pushkey).update();
    }

    /** {@code append: false}: the same app ID and pushkey registered by other users goes away. */
    void deleteOfOtherUsers(String userId, String appId, String pushkey) {
        db.sql().sql("DELETE FROM pushers WHERE app_id = ? AND pushkey = ? AND user_id <> ?")
                .params(appId, pushkey, userId).update();
    }

    void deleteAll(String userId) {
        db.sql().sql("DELETE FROM pushers WHERE user_id = ?").param(userId).update();
    }
}

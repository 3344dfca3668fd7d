package org.bollwerk.userdata;

import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** SQL for the pushers table. The push module delivers to the HTTP pushers (through {@link Pushers}). */
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

    /** HTTP pushers of these users, {@code data} without its {@code url}; read in chunks of 500 IDs. */
    List<Pushers.HttpPusher> httpPushers(java.util.Collection<String> userIds) {
        List<String> ids = List.copyOf(userIds);
        List<Pushers.HttpPusher> found = new java.util.ArrayList<>();
        for (int from = 0; from < ids.size(); from += 500) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
            found.addAll(db.sql().sql("SELECT user_id, app_id, pushkey, data, created_ts, profile_tag FROM pushers "
                            + "WHERE kind = 'http' AND user_id IN (" + marks + ") ORDER BY user_id, created_ts, app_id, pushkey")
                    .params(List.copyOf(chunk))
                    .query((rs, n) -> {
                        ObjectNode data = Json.parseObject(rs.getString(4).getBytes(StandardCharsets.UTF_8));
                        String url = data.path("url").asString("");
                        data.remove("url");
                        return new Pushers.HttpPusher(rs.getString(1), rs.getString(2), rs.getString(3), url, data,
                                rs.getLong(5), rs.getString(6));
                    }).list());
        }
        return found;
    }

    /** Pushers set from a device that is gone: its phone must not get pushes any more. */
    void deleteOfDevice(String userId, String deviceId) {
        db.sql().sql("DELETE FROM pushers WHERE user_id = ? AND device_id = ?").params(userId, deviceId).update();
    }

    void deleteAll(String userId) {
        db.sql().sql("DELETE FROM pushers WHERE user_id = ?").param(userId).update();
    }
}

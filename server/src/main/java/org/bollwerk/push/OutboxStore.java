package org.bollwerk.push;

import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;

import java.util.ArrayList;
import java.util.List;

/** SQL for push_outbox, which this feature owns: pushes waiting to be sent, claimed row by row. */
@Repository
class OutboxStore {
    private final Db db;

    OutboxStore(Db db) {
        this.db = db;
    }

    /** One push for one pusher; {@code id}, {@code createdAt} and {@code attempts} are 0 before insertion. */
    record Push(long id, String userId, String appId, String pushkey, String roomId, String eventId, String eventType,
                boolean highlight, String sound, long createdAt, int attempts) {
    }

    void insert(List<Push> pushes, long now) {
        for (Push p : pushes) {
            db.sql().sql("""
                            INSERT INTO push_outbox (user_id, app_id, pushkey, room_id, event_id, event_type, highlight,
                                sound, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(p.userId(), p.appId(), p.pushkey(), p.roomId(), p.eventId(), p.eventType(),
                            p.highlight() ? 1 : 0, p.sound(), now, now)
                    .update();
        }
    }

    /** Claims up to {@code limit} due rows nobody holds, for {@code process} until {@code until}. */
    List<Push> claimDue(String process, long now, long until, int limit) {
        return db.write(() -> {
            List<Push> due = db.sql().sql("""
                            SELECT id, user_id, app_id, pushkey, room_id, event_id, event_type, highlight, sound,
                                created_at, attempts FROM push_outbox
                            WHERE next_attempt_at <= ? AND claimed_until < ? ORDER BY id LIMIT ?""")
                    .params(now, now, limit)
                    .query((rs, n) -> new Push(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8) == 1, rs.getString(9),
                            rs.getLong(10), rs.getInt(11)))
                    .list();
            List<Push> claimed = new ArrayList<>();
            for (Push p : due) {
                // Another node may have claimed it since the read: the condition is checked again on the row.
                int rows = db.sql().sql("""
                                UPDATE push_outbox SET claimed_by = ?, claimed_until = ?
                                WHERE id = ? AND claimed_until < ?""")
                        .params(process, until, p.id(), now).update();
                if (rows == 1) claimed.add(p);
            }
            return claimed;
        });
    }

    void delete(long id) {
        db.write(() -> db.sql().sql("DELETE FROM push_outbox WHERE id = ?").param(id).update());
    }

    void retryAt(long id, long at, int attempts) {
        db.write(() -> db.sql().sql("""
                        UPDATE push_outbox SET next_attempt_at = ?, attempts = ?, claimed_by = NULL, claimed_until = 0
                        WHERE id = ?""")
                .params(at, attempts, id).update());
    }

    long backlog() {
        return db.sql().sql("SELECT COUNT(*) FROM push_outbox").query(Long.class).single();
    }

    /** The earliest time a row becomes due, or null when the outbox is empty. */
    Long nextDue() {
        return db.sql().sql("SELECT MIN(next_attempt_at) FROM push_outbox").query(Long.class).optional().orElse(null);
    }
}

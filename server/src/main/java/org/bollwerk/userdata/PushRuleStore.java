package org.bollwerk.userdata;

import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** SQL for push_rules (user-defined rules) and push_rule_overrides (changes to server-default rules). */
@Repository
class PushRuleStore {
    private final Db db;

    PushRuleStore(Db db) {
        this.db = db;
    }

    /** A user-defined rule; {@code body} holds rule_id and conditions or pattern. */
    record UserRule(String kind, String ruleId, long priority, ObjectNode body, boolean enabled, ArrayNode actions) {
    }

    /** A user's change to a server-default rule; null fields keep the default. */
    record Override(String kind, String ruleId, Boolean enabled, ArrayNode actions) {
    }

    List<UserRule> userRules(String userId) {
        return db.sql().sql("SELECT kind, rule_id, priority, rule_json, enabled, actions FROM push_rules "
                        + "WHERE user_id = ? ORDER BY kind, priority, rule_id")
                .param(userId)
                .query((rs, n) -> new UserRule(rs.getString(1), rs.getString(2), rs.getLong(3), object(rs.getString(4)),
                        rs.getInt(5) == 1, array(rs.getString(6))))
                .list();
    }

    Optional<UserRule> userRule(String userId, String kind, String ruleId) {
        return userRules(userId).stream().filter(r -> r.kind().equals(kind) && r.ruleId().equals(ruleId)).findFirst();
    }

    void upsertUserRule(String userId, UserRule rule) {
        db.sql().sql("INSERT INTO push_rules (user_id, kind, rule_id, priority, rule_json, enabled, actions) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, kind, rule_id) DO UPDATE SET "
                        + "priority = excluded.priority, rule_json = excluded.rule_json, enabled = excluded.enabled, "
                        + "actions = excluded.actions")
                .params(userId, rule.kind(), rule.ruleId(), rule.priority(), Json.write(rule.body()),
                        rule.enabled() ? 1 : 0, Json.write(rule.actions()))
                .update();
    }

    void setPriority(String userId, String kind, String ruleId, long priority) {
        db.sql().sql("UPDATE push_rules SET priority = ? WHERE user_id = ? AND kind = ? AND rule_id = ?")
                .params(priority, userId, kind, ruleId).update();
    }

    int deleteUserRule(String userId, String kind, String ruleId) {
        return db.sql().sql("DELETE FROM push_rules WHERE user_id = ? AND kind = ? AND rule_id = ?")
                .params(userId, kind, ruleId).update();
    }

    List<Override> overrides(String userId) {
        return db.sql().sql("SELECT kind, rule_id, enabled, actions FROM push_rule_overrides WHERE user_id = ?")
                .param(userId)
                .query((rs, n) -> {
                    int enabled = rs.getInt(3);
                    Boolean flag = rs.wasNull() ? null : enabled == 1;
                    String actions = rs.getString(4);
                    return new Override(rs.getString(1), rs.getString(2), flag, actions == null ? null : array(actions));
                })
                .list();
    }

    void overrideEnabled(String userId, String kind, String ruleId, boolean enabled) {
        db.sql().sql("INSERT INTO push_rule_overrides (user_id, kind, rule_id, enabled) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (user_id, kind, rule_id) DO UPDATE SET enabled = excluded.enabled")
                .params(userId, kind, ruleId, enabled ? 1 : 0).update();
    }

    void overrideActions(String userId, String kind, String ruleId, ArrayNode actions) {
        db.sql().sql("INSERT INTO push_rule_overrides (user_id, kind, rule_id, actions) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (user_id, kind, rule_id) DO UPDATE SET actions = excluded.actions")
                .params(userId, kind, ruleId, Json.write(actions)).update();
    }

    private static ObjectNode object(String json) {
        return Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
    }

    private static ArrayNode array(String json) {
        return (ArrayNode) Json.MAPPER.readTree(json);
    }
}

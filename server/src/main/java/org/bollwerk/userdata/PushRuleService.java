package org.bollwerk.userdata;

import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A user's push rules. Server-default rules can be enabled, disabled and given other actions, never
 * deleted; user rules are stored in priority order. Every change also rewrites {@code m.push_rules}
 * account data so clients see it in /sync.
 */
@Service
public class PushRuleService {
    static final int MAX_USER_RULES = 500;
    private static final Set<String> ACTIONS = Set.of("notify", "dont_notify", "coalesce");

    private final Db db;
    private final PushRuleStore store;
    private final PushRuleSets sets;
    private final AccountDataService accountData;
    private final org.springframework.context.ApplicationEventPublisher events;

    PushRuleService(Db db, PushRuleStore store, PushRuleSets sets, AccountDataService accountData,
                    org.springframework.context.ApplicationEventPublisher events) {
        this.events = events;
        this.db = db;
        this.store = store;
        this.sets = sets;
        this.accountData = accountData;
    }

    /** The user's {@code global} ruleset ({@code override, content, room, sender, underride}). */
    public ObjectNode ruleSet(String userId) {
        return sets.ruleSet(userId);
    }

    ObjectNode rule(String userId, String kind, String ruleId) {
        checkKind(kind);
        return sets.rule(userId, kind, ruleId).orElseThrow(PushRuleService::notFound);
    }

    /** Adds or replaces a user rule (PUT /pushrules/global/{kind}/{ruleId}). */
    void put(String userId, String kind, String ruleId, ObjectNode body, String before, String after) {
        checkKind(kind);
        if (ruleId.isEmpty() || ruleId.startsWith(".") || ruleId.contains("/") || ruleId.contains("\\")) {
            throw MatrixException.invalidParam("rule_id must not be empty, start with '.' or contain slashes");
        }
        ArrayNode actions = actions(body);
        ObjectNode ruleBody = Json.MAPPER.createObjectNode();
        ruleBody.put("rule_id", ruleId);
        switch (kind) {
            case "override", "underride" -> ruleBody.set("conditions", conditions(body));
            case "content" -> {
                JsonNode pattern = body.get("pattern");
                if (pattern == null || pattern.isNull()) throw MatrixException.missingParam("Missing 'pattern'");
                if (!pattern.isString()) throw MatrixException.badJson("'pattern' must be a string");
                ruleBody.put("pattern", pattern.asString());
            }
            default -> { // room and sender rules match on their rule_id
            }
        }
        db.write(() -> {
            List<PushRuleStore.UserRule> ofKind = new ArrayList<>(
                    store.userRules(userId).stream().filter(r -> r.kind().equals(kind)).toList());
            int existingIndex = indexOf(ofKind, ruleId);
            boolean enabled = true;
            if (existingIndex >= 0) {
                enabled = ofKind.remove(existingIndex).enabled();
            } else if (store.userRules(userId).size() >= MAX_USER_RULES) {
                throw MatrixException.invalidParam("Too many push rules");
            }
            int position;
            if (before != null && !before.isEmpty()) {
                position = anchor(ofKind, before);
            } else if (after != null && !after.isEmpty()) {
                position = anchor(ofKind, after) + 1;
            } else {
                position = existingIndex >= 0 ? existingIndex : 0;
            }
            PushRuleStore.UserRule rule = new PushRuleStore.UserRule(kind, ruleId, 0, ruleBody, enabled, actions);
            ofKind.add(position, rule);
            for (int i = 0; i < ofKind.size(); i++) {
                PushRuleStore.UserRule r = ofKind.get(i);
                if (r == rule) {
                    store.upsertUserRule(userId, new PushRuleStore.UserRule(kind, ruleId, i, ruleBody, enabled, actions));
                } else if (r.priority() != i) {
                    store.setPriority(userId, kind, r.ruleId(), i);
                }
            }
            changed(userId);
        });
    }

    void delete(String userId, String kind, String ruleId) {
        checkKind(kind);
        if (sets.isDefaultRule(kind, ruleId)) throw MatrixException.invalidParam("Server-default rules cannot be deleted");
        db.write(() -> {
            if (store.deleteUserRule(userId, kind, ruleId) == 0) throw notFound();
            changed(userId);
        });
    }

    void setEnabled(String userId, String kind, String ruleId, boolean enabled) {
        checkKind(kind);
        db.write(() -> {
            if (sets.isDefaultRule(kind, ruleId)) {
                store.overrideEnabled(userId, kind, ruleId, enabled);
            } else {
                PushRuleStore.UserRule rule = store.userRule(userId, kind, ruleId).orElseThrow(PushRuleService::notFound);
                store.upsertUserRule(userId, new PushRuleStore.UserRule(kind, ruleId, rule.priority(), rule.body(),
                        enabled, rule.actions()));
            }
            changed(userId);
        });
    }

    void setActions(String userId, String kind, String ruleId, ObjectNode body) {
        checkKind(kind);
        ArrayNode actions = actions(body);
        db.write(() -> {
            if (sets.isDefaultRule(kind, ruleId)) {
                store.overrideActions(userId, kind, ruleId, actions);
            } else {
                PushRuleStore.UserRule rule = store.userRule(userId, kind, ruleId).orElseThrow(PushRuleService::notFound);
                store.upsertUserRule(userId, new PushRuleStore.UserRule(kind, ruleId, rule.priority(), rule.body(),
                        rule.enabled(), actions));
            }
            changed(userId);
        });
    }

    private void changed(String userId) {
        accountData.putPushRules(userId, sets.accountDataContent(userId));
        events.publishEvent(new PushRulesChanged(userId));
    }

    private static int indexOf(List<PushRuleStore.UserRule> rules, String ruleId) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).ruleId().equals(ruleId)) return i;
        }
        return -1;
    }

    private static int anchor(List<PushRuleStore.UserRule> rules, String ruleId) {
        int index = indexOf(rules, ruleId);
        if (index < 0) {
            throw new MatrixException(ErrCode.M_UNKNOWN, 400, "before/after rule not found: " + ruleId, Map.of());
        }
        return index;
    }

    static void checkKind(String kind) {
        if (!PushRuleSets.KINDS.contains(kind)) throw MatrixException.invalidParam("Unknown push rule kind: " + kind);
    }

    static ArrayNode actions(ObjectNode body) {
        JsonNode actions = body.get("actions");
        if (actions == null || actions.isNull()) throw MatrixException.missingParam("Missing 'actions'");
        if (!actions.isArray()) throw MatrixException.badJson("'actions' must be a list");
        for (JsonNode action : actions) {
            if (action.isString()) {
                if (!ACTIONS.contains(action.asString())) {
                    throw MatrixException.invalidParam("Unknown action: " + action.asString());
                }
            } else if (action.isObject()) {
                if (!action.path("set_tweak").isString()) throw MatrixException.badJson("A tweak needs 'set_tweak'");
            } else {
                throw MatrixException.badJson("Each action must be a string or an object");
            }
        }
        return (ArrayNode) actions;
    }

    private static ArrayNode conditions(ObjectNode body) {
        JsonNode conditions = body.get("conditions");
        if (conditions == null || conditions.isNull()) return Json.MAPPER.createArrayNode();
        if (!conditions.isArray()) throw MatrixException.badJson("'conditions' must be a list");
        for (JsonNode condition : conditions) {
            if (!condition.isObject() || !condition.path("kind").isString()) {
                throw MatrixException.badJson("Each condition must be an object with a 'kind'");
            }
        }
        return (ArrayNode) conditions;
    }

    private static MatrixException notFound() {
        return MatrixException.notFound("The push rule was not found.");
    }
}

package org.bollwerk.userdata;

import org.bollwerk.matrix.json.Json;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Assembles a user's push rule set: the spec's server-default rules (from {@code default-push-rules.json},
 * with the user's ID and localpart filled in and the user's enabled/actions changes applied) and the
 * user's own rules, in the order the spec gives them priority.
 */
@Component
class PushRuleSets {
    static final List<String> KINDS = List.of("override", "content", "room", "sender", "underride");
    static final String MASTER = ".m.rule.master";

    private final ObjectNode defaults;
    private final PushRuleStore store;

    PushRuleSets(PushRuleStore store) {
        this.store = store;
        try (InputStream in = PushRuleSets.class.getResourceAsStream("default-push-rules.json")) {
            if (in == null) throw new IllegalStateException("default-push-rules.json is missing");
            this.defaults = (ObjectNode) Json.MAPPER.readTree(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code global} ruleset: {@code {override, content, room, sender, underride}}. */
    ObjectNode ruleSet(String userId) {
        ObjectNode defaultsForUser = defaultsFor(userId);
        Map<String, PushRuleStore.Override> overrides = new HashMap<>();
        for (PushRuleStore.Override o : store.overrides(userId)) overrides.put(o.kind() + "/" + o.ruleId(), o);
        List<PushRuleStore.UserRule> userRules = store.userRules(userId);

        ObjectNode set = Json.MAPPER.createObjectNode();
        for (String kind : KINDS) {
            ArrayNode rules = set.putArray(kind);
            ArrayNode defaultRules = (ArrayNode) defaultsForUser.get(kind);
            int next = 0;
            // .m.rule.master is the one default that outranks every user rule.
            if (kind.equals("override") && !defaultRules.isEmpty() && MASTER.equals(ruleId(defaultRules.get(0)))) {
                rules.add(applyOverride(kind, (ObjectNode) defaultRules.get(0), overrides));
                next = 1;
            }
            for (PushRuleStore.UserRule rule : userRules) {
                if (rule.kind().equals(kind)) rules.add(json(rule));
            }
            for (int i = next; i < defaultRules.size(); i++) {
                rules.add(applyOverride(kind, (ObjectNode) defaultRules.get(i), overrides));
            }
        }
        return set;
    }

    /** The content of the {@code m.push_rules} account data event. */
    ObjectNode accountDataContent(String userId) {
        ObjectNode content = Json.MAPPER.createObjectNode();
        content.set("global", ruleSet(userId));
        return content;
    }

    Optional<ObjectNode> rule(String userId, String kind, String ruleId) {
        JsonNode rules = ruleSet(userId).get(kind);
        if (rules == null) return Optional.empty();
        for (JsonNode rule : rules) {
            if (ruleId.equals(ruleId(rule))) return Optional.of((ObjectNode) rule);
        }
        return Optional.empty();
    }

    boolean isDefaultRule(String kind, String ruleId) {
        JsonNode rules = defaults.get(kind);
        if (rules == null) return false;
        for (JsonNode rule : rules) {
            if (ruleId.equals(ruleId(rule))) return true;
        }
        return false;
    }

    static ObjectNode json(PushRuleStore.UserRule rule) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("rule_id", rule.ruleId());
        json.put("default", false);
        json.put("enabled", rule.enabled());
        json.set("actions", rule.actions());
        rule.body().properties().forEach(e -> {
            if (!json.has(e.getKey())) json.set(e.getKey(), e.getValue());
        });
        return json;
    }

    private static ObjectNode applyOverride(String kind, ObjectNode rule, Map<String, PushRuleStore.Override> overrides) {
        PushRuleStore.Override o = overrides.get(kind + "/" + ruleId(rule));
        if (o == null) return rule;
        if (o.enabled() != null) rule.put("enabled", o.enabled());
        if (o.actions() != null) rule.set("actions", o.actions());
        return rule;
    }

    private ObjectNode defaultsFor(String userId) {
        String localpart = userId.substring(1, userId.indexOf(':'));
        ObjectNode copy = defaults.deepCopy();
        fill(copy, userId, localpart);
        return copy;
    }

    /** Replaces the placeholders {@code ${user_id}} and {@code ${localpart}} in string values. */
    private static void fill(JsonNode node, String userId, String localpart) {
        if (node instanceof ObjectNode object) {
            for (String name : List.copyOf(object.propertyNames())) {
                JsonNode value = object.get(name);
                if (value.isString()) {
                    String text = value.asString();
                    if (text.equals("${user_id}")) object.put(name, userId);
                    else if (text.equals("${localpart}")) object.put(name, localpart);
                } else {
                    fill(value, userId, localpart);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (JsonNode item : array) fill(item, userId, localpart);
        }
    }

    private static String ruleId(JsonNode rule) {
        return rule.path("rule_id").asString("");
    }
}

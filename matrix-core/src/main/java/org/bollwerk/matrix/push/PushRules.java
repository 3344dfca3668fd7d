package org.bollwerk.matrix.push;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A user's push rule set compiled for evaluation: the {@code global} ruleset as the client-server API
 * serves it ({@code override, content, room, sender, underride}, each in priority order, server-default
 * rules included). The first enabled rule whose conditions all hold decides the actions; no rule, no
 * notification. Immutable and thread-safe, so one compiled set serves every event until the rules change.
 */
public final class PushRules {
    private static final List<String> KINDS = List.of("override", "content", "room", "sender", "underride");
    /** The pre-1.7 mention rules: an event that carries {@code m.mentions} is judged by that alone. */
    private static final Set<String> LEGACY_MENTION_RULES = Set.of(".m.rule.contains_display_name",
            ".m.rule.contains_user_name", ".m.rule.roomnotif");

    private record Rule(String ruleId, List<PushCondition> conditions, PushResult result, boolean legacyMention) {
    }

    private final List<Rule> rules;

    private PushRules(List<Rule> rules) {
        this.rules = rules;
    }

    /** Compiles {@code global}; rules that are disabled are left out. */
    public static PushRules compile(JsonNode global) {
        List<Rule> rules = new ArrayList<>();
        for (String kind : KINDS) {
            for (JsonNode rule : global.path(kind)) {
                if (!rule.path("enabled").asBoolean(true)) continue;
                String ruleId = rule.path("rule_id").asString("");
                List<PushCondition> conditions = new ArrayList<>();
                switch (kind) {
                    case "override", "underride" -> {
                        for (JsonNode c : rule.path("conditions")) conditions.add(PushCondition.compile(c));
                    }
                    case "content" -> conditions.add(PushCondition.compile(condition("content.body",
                            rule.path("pattern").asString(null))));
                    case "room" -> conditions.add(new PushCondition.PropertyIs(List.of("room_id"),
                            tools.jackson.databind.node.StringNode.valueOf(ruleId)));
                    default -> conditions.add(new PushCondition.PropertyIs(List.of("sender"),
                            tools.jackson.databind.node.StringNode.valueOf(ruleId)));
                }
                rules.add(new Rule(ruleId, List.copyOf(conditions), PushResult.of(ruleId, rule.path("actions")),
                        LEGACY_MENTION_RULES.contains(ruleId)));
            }
        }
        return new PushRules(List.copyOf(rules));
    }

    /** The actions for {@code event} (a PDU or client event: {@code type, content, sender, room_id, ...}). */
    public PushResult evaluate(JsonNode event, PushContext context) {
        boolean hasMentions = event.path("content").has("m.mentions");
        for (Rule rule : rules) {
            if (rule.legacyMention() && hasMentions) continue;
            if (all(rule.conditions(), event, context)) return rule.result();
        }
        return PushResult.NONE;
    }

    private static boolean all(List<PushCondition> conditions, JsonNode event, PushContext context) {
        for (PushCondition c : conditions) if (!c.matches(event, context)) return false;
        return true;
    }

    private static JsonNode condition(String key, String pattern) {
        var node = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        node.put("kind", "event_match");
        node.put("key", key);
        if (pattern != null) node.put("pattern", pattern);
        return node;
    }
}

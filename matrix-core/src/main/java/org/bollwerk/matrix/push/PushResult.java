package org.bollwerk.matrix.push;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The outcome of evaluating one event for one user.
 *
 * @param ruleId    the rule that matched (null: none)
 * @param actions   the matched rule's actions as the spec writes them (for {@code GET /notifications})
 * @param notifies  {@code notify} (or the legacy {@code coalesce}) is among them
 * @param highlight a {@code highlight} tweak that is not {@code false}
 * @param sound     the {@code sound} tweak's value, or null
 */
public record PushResult(String ruleId, ArrayNode actions, boolean notifies, boolean highlight, String sound) {
    public static final PushResult NONE = new PushResult(null, JsonNodeFactory.instance.arrayNode(), false, false, null);

    static PushResult of(String ruleId, JsonNode actions) {
        ArrayNode copy = JsonNodeFactory.instance.arrayNode();
        boolean notify = false;
        boolean highlight = false;
        String sound = null;
        for (JsonNode action : actions) {
            copy.add(action);
            if (action.isString()) {
                String name = action.asString();
                if (name.equals("notify") || name.equals("coalesce")) notify = true;
            } else if (action.isObject()) {
                String tweak = action.path("set_tweak").asString("");
                if (tweak.equals("highlight")) highlight = action.path("value").asBoolean(true);
                if (tweak.equals("sound")) sound = action.path("value").asString(null);
            }
        }
        return new PushResult(ruleId, copy, notify, notify && highlight, sound);
    }
}

package org.bollwerk.alerts;

import org.bollwerk.matrix.json.Json;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The events an alert posts. Each is a plain {@code m.text} message that every app shows, with
 * {@code m.mentions.room} (apps without Bollwerk's push rule still notify loudly, as for {@code @room}) and
 * {@code org.bollwerk.alert}, which the server-default push rule {@code .org.bollwerk.rule.alert} matches.
 */
final class AlertMessages {
    static final String FIELD = "org.bollwerk.alert";
    private static final String HOW_TO = "React with ✅ to acknowledge.";
    /** More mentions than this would make the event large; the room-wide mention reaches everyone anyway. */
    private static final int MAX_MENTIONS = 50;

    private AlertMessages() {
    }

    static ObjectNode alert(String alertId, String body) {
        return message(alertId, "alert", 0, "🚨 " + body, HOW_TO, null, List.of());
    }

    static ObjectNode reminder(String alertId, int number, String body, String alertEventId, List<String> pending) {
        return message(alertId, "reminder", number, "⏰ Reminder: " + body,
                "Not acknowledged yet by " + pending.size() + ". " + HOW_TO, alertEventId, pending);
    }

    static ObjectNode escalation(String alertId, String body, String alertEventId, List<String> pending) {
        String who = pending.size() <= MAX_MENTIONS ? String.join(", ", pending) : pending.size() + " people";
        return message(alertId, "escalation", 0, "⚠️ Escalation: not acknowledged by " + who + ": " + body,
                "React with ✅ to confirm you take care of it.", alertEventId, List.of());
    }

    private static ObjectNode message(String alertId, String kind, int number, String text, String footer,
                                      String replyTo, List<String> mentions) {
        ObjectNode content = Json.MAPPER.createObjectNode();
        content.put("msgtype", "m.text");
        content.put("body", text + "\n\n" + footer);
        content.put("format", "org.matrix.custom.html");
        content.put("formatted_body", "<p><strong>" + HtmlUtils.htmlEscape(text).replace("\n", "<br>")
                + "</strong></p><p>" + HtmlUtils.htmlEscape(footer) + "</p>");
        ObjectNode mention = content.putObject("m.mentions");
        mention.put("room", true);
        if (!mentions.isEmpty() && mentions.size() <= MAX_MENTIONS) {
            mentions.forEach(mention.putArray("user_ids")::add);
        }
        if (replyTo != null) content.putObject("m.relates_to").putObject("m.in_reply_to").put("event_id", replyTo);
        ObjectNode alert = content.putObject(FIELD);
        alert.put("alert_id", alertId);
        alert.put("kind", kind);
        if (number > 0) alert.put("reminder", number);
        return content;
    }

    /** ✅ (with or without the emoji variation selector U+FE0F), ✔️ and ☑️ acknowledge; other reactions do not. */
    static boolean acknowledges(String key) {
        if (key == null) return false;
        String bare = key.replace("\uFE0F", "").strip();
        return bare.equals("✅") || bare.equals("✔") || bare.equals("☑");
    }
}

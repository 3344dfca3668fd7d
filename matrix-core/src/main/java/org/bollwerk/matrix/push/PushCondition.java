package org.bollwerk.matrix.push;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One push rule condition, compiled once per rule set (paths split, globs turned into regexes) so that
 * evaluating an event for a thousand members does no parsing. An unknown condition kind never matches,
 * as the spec requires, which disables its rule.
 */
sealed interface PushCondition {

    boolean matches(JsonNode event, PushContext context);

    static PushCondition compile(JsonNode condition) {
        String kind = condition.path("kind").asString("");
        return switch (kind) {
            case "event_match" -> {
                String key = condition.path("key").asString(null);
                String pattern = condition.path("pattern").asString(null);
                yield key == null || pattern == null ? Never.INSTANCE : new EventMatch(path(key), Glob.of(pattern,
                        key.equals("content.body")));
            }
            case "event_property_is" -> {
                String key = condition.path("key").asString(null);
                JsonNode value = condition.get("value");
                yield key == null || !scalar(value) ? Never.INSTANCE : new PropertyIs(path(key), value);
            }
            case "event_property_contains" -> {
                String key = condition.path("key").asString(null);
                JsonNode value = condition.get("value");
                yield key == null || !scalar(value) ? Never.INSTANCE : new PropertyContains(path(key), value);
            }
            case "contains_display_name" -> new ContainsDisplayName();
            case "room_member_count" -> MemberCount.of(condition.path("is").asString(""));
            case "sender_notification_permission" -> {
                String key = condition.path("key").asString(null);
                yield key == null ? Never.INSTANCE : new SenderPermission(key);
            }
            default -> Never.INSTANCE;
        };
    }

    /** {@code event_match} on a property's string value (never on numbers, booleans or absent keys). */
    record EventMatch(List<String> path, Glob glob) implements PushCondition {
        @Override
        public boolean matches(JsonNode event, PushContext context) {
            JsonNode value = lookup(event, path);
            return value != null && value.isString() && glob.matches(value.asString());
        }
    }

    /** {@code event_property_is}: exact equality of a string, integer, boolean or null. */
    record PropertyIs(List<String> path, JsonNode value) implements PushCondition {
        @Override
        public boolean matches(JsonNode event, PushContext context) {
            JsonNode actual = lookup(event, path);
            return actual != null && sameScalar(actual, value);
        }
    }

    /** {@code event_property_contains}: an array property holding the value. */
    record PropertyContains(List<String> path, JsonNode value) implements PushCondition {
        @Override
        public boolean matches(JsonNode event, PushContext context) {
            JsonNode actual = lookup(event, path);
            if (actual == null || !actual.isArray()) return false;
            for (JsonNode item : actual) if (sameScalar(item, value)) return true;
            return false;
        }
    }

    /** The receiving user's current display name in the room, as a whole word of {@code content.body}. */
    record ContainsDisplayName() implements PushCondition {
        @Override
        public boolean matches(JsonNode event, PushContext context) {
            String name = context.displayName();
            if (name == null || name.isBlank()) return false;
            JsonNode body = event.path("content").path("body");
            return body.isString() && Glob.containsWord(body.asString(), name);
        }
    }

    /** {@code room_member_count} with {@code is} like {@code 2}, {@code ==2}, {@code <10}, {@code >=5}. */
    record MemberCount(String op, long count) implements PushCondition {
        static PushCondition of(String is) {
            int digits = 0;
            while (digits < is.length() && "<>=".indexOf(is.charAt(digits)) >= 0) digits++;
            String op = is.substring(0, digits);
            if (!List.of("", "==", "<", ">", "<=", ">=").contains(op)) return Never.INSTANCE;
            try {
                return new MemberCount(op.isEmpty() ? "==" : op, Long.parseLong(is.substring(digits)));
            } catch (NumberFormatException e) {
                return Never.INSTANCE;
            }
        }

        @Override
        public boolean matches(JsonNode event, PushContext context) {
            long members = context.roomMemberCount();
            return switch (op) {
                case "<" -> members < count;
                case ">" -> members > count;
                case "<=" -> members <= count;
                case ">=" -> members >= count;
                default -> members == count;
            };
        }
    }

    /** The sender's power level reaches the room's {@code notifications.<key>} level. */
    record SenderPermission(String key) implements PushCondition {
        @Override
        public boolean matches(JsonNode event, PushContext context) {
            return context.senderPowerLevel() >= context.notificationLevels().applyAsLong(key);
        }
    }

    /** A condition this server does not understand: its rule never applies. */
    enum Never implements PushCondition {
        INSTANCE;

        @Override
        public boolean matches(JsonNode event, PushContext context) {
            return false;
        }
    }

    /** Splits a dotted key; {@code \.} is a literal dot and {@code \\} a literal backslash (spec 1.7). */
    static List<String> path(String key) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '\\' && i + 1 < key.length() && (key.charAt(i + 1) == '.' || key.charAt(i + 1) == '\\')) {
                part.append(key.charAt(++i));
            } else if (c == '.') {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return List.copyOf(parts);
    }

    static JsonNode lookup(JsonNode event, List<String> path) {
        JsonNode node = event;
        for (String part : path) {
            if (node == null || !node.isObject()) return null;
            node = node.get(part);
        }
        return node;
    }

    private static boolean scalar(JsonNode value) {
        return value != null && (value.isString() || value.isIntegralNumber() || value.isBoolean() || value.isNull());
    }

    private static boolean sameScalar(JsonNode a, JsonNode b) {
        if (a.isString() && b.isString()) return a.asString().equals(b.asString());
        if (a.isIntegralNumber() && b.isIntegralNumber()) return a.asLong() == b.asLong();
        if (a.isBoolean() && b.isBoolean()) return a.asBoolean() == b.asBoolean();
        return a.isNull() && b.isNull();
    }

    /**
     * A glob ({@code *} any run, {@code ?} one character), case-insensitive, matching the whole value; for
     * {@code content.body} it matches a whole word or words inside the body (as the spec's content rules do).
     */
    record Glob(String literal, boolean words, Pattern regex) {
        static Glob of(String glob, boolean words) {
            if (glob.indexOf('*') < 0 && glob.indexOf('?') < 0) {
                return new Glob(glob, words, null);  // no regex for the common case (types, user names)
            }
            StringBuilder regex = new StringBuilder();
            for (char c : glob.toCharArray()) {
                if (c == '*') regex.append(".*?");
                else if (c == '?') regex.append('.');
                else regex.append(Pattern.quote(String.valueOf(c)));
            }
            String body = words ? "(?<![\\p{L}\\p{N}_])" + regex + "(?![\\p{L}\\p{N}_])" : "^" + regex + "$";
            return new Glob(null, words, Pattern.compile(body,
                    Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL));
        }

        boolean matches(String value) {
            if (literal == null) return regex.matcher(value).find();
            return words ? containsWord(value, literal) : value.equalsIgnoreCase(literal);
        }

        /** Whether {@code word} occurs in {@code text}, ignoring case, not inside a longer word. */
        static boolean containsWord(String text, String word) {
            if (word.isEmpty()) return false;
            for (int i = 0; i + word.length() <= text.length(); i++) {
                if (text.regionMatches(true, i, word, 0, word.length())
                        && (i == 0 || !wordChar(text.charAt(i - 1)))
                        && (i + word.length() == text.length() || !wordChar(text.charAt(i + word.length())))) {
                    return true;
                }
            }
            return false;
        }

        private static boolean wordChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_';
        }
    }
}

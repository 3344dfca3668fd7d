package org.bollwerk.bench;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

import java.util.Arrays;

/**
 * Reads a {@code /sync} response as a token stream instead of a tree: the load generator only needs
 * {@code next_batch}, the bench messages' numbers (from {@code "body":"<prefix><n>"}) and how many timelines
 * were {@code limited}. Thousands of syncs a second stay cheap this way.
 */
final class SyncParser {

    /** Parsed essentials; {@code ids} holds {@code count} message numbers in the order they appeared. */
    record Result(String nextBatch, int[] ids, int count, int limited) {
        int[] idArray() {
            return Arrays.copyOf(ids, count);
        }
    }

    private SyncParser() {
    }

    static Result parse(byte[] json, String bodyPrefix) {
        String nextBatch = null;
        int[] ids = new int[8];
        int count = 0;
        int limited = 0;
        try (JsonParser p = MatrixClient.JSON.createParser(json)) {
            int depth = 0;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case PROPERTY_NAME -> {
                        String name = p.currentName();
                        JsonToken v = p.nextToken();
                        if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                            depth++;
                        } else if (name.equals("next_batch") && depth == 1 && v == JsonToken.VALUE_STRING) {
                            nextBatch = p.getString();
                        } else if (name.equals("limited") && v == JsonToken.VALUE_TRUE) {
                            limited++;
                        } else if (name.equals("body") && v == JsonToken.VALUE_STRING) {
                            String body = p.getString();
                            if (body.startsWith(bodyPrefix)) {
                                int id = parseId(body, bodyPrefix.length());
                                if (id >= 0) {
                                    if (count == ids.length) {
                                        ids = Arrays.copyOf(ids, count * 2);
                                    }
                                    ids[count++] = id;
                                }
                            }
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        return new Result(nextBatch, ids, count, limited);
    }

    /** The decimal number at {@code from} up to the end or the next space; -1 if there is none. */
    static int parseId(String s, int from) {
        int v = 0;
        int i = from;
        for (; i < s.length() && s.charAt(i) != ' '; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9' || v > 100_000_000) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return i == from ? -1 : v;
    }
}

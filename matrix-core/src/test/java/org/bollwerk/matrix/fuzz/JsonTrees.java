package org.bollwerk.matrix.fuzz;

import org.bollwerk.matrix.json.CanonicalJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;

/** Random JSON trees for fuzzing: small, nested, with the values parsers find hard. */
public final class JsonTrees {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTrees() {
    }

    /** An object up to {@code depth} levels deep; keys from {@code keys} or random. */
    public static ObjectNode object(Random r, int depth, List<String> keys) {
        ObjectNode object = NODES.objectNode();
        int size = r.nextInt(6);
        for (int i = 0; i < size; i++) {
            String key = keys.isEmpty() || r.nextInt(4) == 0 ? Fuzz.anyString(r, 8) : keys.get(r.nextInt(keys.size()));
            object.set(key, value(r, depth - 1, keys));
        }
        return object;
    }

    public static JsonNode value(Random r, int depth, List<String> keys) {
        int pick = r.nextInt(depth <= 0 ? 10 : 14);
        return switch (pick) {
            case 0 -> NODES.stringNode(Fuzz.anyString(r, 12));
            case 1 -> NODES.stringNode(Fuzz.oneOf(r, "", "client", "federation", "m.room.*", "*", "!r:x", "@u:x", "m.text"));
            case 2 -> NODES.numberNode(r.nextLong() % (CanonicalJson.MAX_SAFE_INTEGER + 1));
            case 3 -> NODES.numberNode(r.nextLong());
            case 4 -> NODES.numberNode(r.nextInt(300) - 50);
            case 5 -> NODES.numberNode(Fuzz.oneOf(r, new BigInteger("1180591620717411303424"),
                    BigInteger.valueOf(CanonicalJson.MAX_SAFE_INTEGER).add(BigInteger.ONE)));
            case 6 -> NODES.numberNode(Fuzz.oneOf(r, new BigDecimal("1e400"), new BigDecimal("1.5"), new BigDecimal("-0.0")));
            case 7 -> NODES.numberNode(Fuzz.oneOf(r, Double.NaN, Double.POSITIVE_INFINITY, -0.0d, r.nextDouble()));
            case 8 -> NODES.booleanNode(r.nextBoolean());
            case 9 -> NODES.nullNode();
            case 10, 11 -> object(r, depth, keys);
            default -> {
                ArrayNode array = NODES.arrayNode();
                int size = r.nextInt(4);
                for (int i = 0; i < size; i++) array.add(value(r, depth - 1, keys));
                yield array;
            }
        };
    }
}

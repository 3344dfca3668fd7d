package org.bollwerk.filter;

import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.matrix.fuzz.Fuzz;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing of filter parsing (filters arrive in bodies and in the {@code filter} query
 * parameter): any JSON object is either a filter or {@code M_BAD_JSON}, never another exception.
 */
class FilterFuzzTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> KEYS = List.of("event_fields", "event_format", "presence", "account_data",
            "room", "rooms", "not_rooms", "include_leave", "timeline", "state", "ephemeral", "limit", "types",
            "not_types", "senders", "not_senders", "contains_url", "lazy_load_members", "include_redundant_members",
            "unread_thread_notifications", "related_by_rel_types", "related_by_senders", "x");

    @Test
    void filterShapedObjectsParseOrFailWithBadJson() {
        Fuzz.check(r -> object(r, 4), filter -> {
            try {
                FilterService.parse(filter);
            } catch (MatrixException e) {
                assertThat(e.errCode()).isEqualTo(ErrCode.M_BAD_JSON);
            }
        });
    }

    @Test
    void filterTextParsesOrFailsWithMatrixException() {
        String alphabet = "{}[]\":,0123456789-e.tfnrul" + String.join("", KEYS);
        Fuzz.check(r -> r.nextBoolean() ? Json.write(object(r, 4)) : Fuzz.string(r, alphabet, 80), text -> {
            try {
                FilterService.parse(Json.parseObject(text.getBytes(StandardCharsets.UTF_8)));
            } catch (MatrixException e) {
                assertThat(e.errCode().name()).startsWith("M_");
            }
        });
    }

    private static ObjectNode object(Random r, int depth) {
        ObjectNode object = NODES.objectNode();
        for (int i = r.nextInt(7); i > 0; i--) object.set(KEYS.get(r.nextInt(KEYS.size())), value(r, depth - 1));
        return object;
    }

    private static JsonNode value(Random r, int depth) {
        return switch (r.nextInt(depth <= 0 ? 8 : 11)) {
            case 0 -> NODES.stringNode(Fuzz.oneOf(r, "client", "federation", "m.room.*", "*", "", "!r:x", "@u:x"));
            case 1 -> NODES.stringNode(Fuzz.anyString(r, 10));
            case 2 -> NODES.numberNode(r.nextLong());
            case 3 -> NODES.numberNode(r.nextInt(204) - 3);
            case 4 -> NODES.numberNode(Fuzz.oneOf(r, new BigInteger("1180591620717411303424"), BigInteger.valueOf(-1)));
            case 5 -> NODES.numberNode(Fuzz.oneOf(r, new BigDecimal("1e400"), new BigDecimal("2.5")));
            case 6 -> NODES.booleanNode(r.nextBoolean());
            case 7 -> NODES.nullNode();
            case 8, 9 -> object(r, depth);
            default -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = r.nextInt(4); i > 0; i--) array.add(value(r, depth - 1));
                yield array;
            }
        };
    }
}

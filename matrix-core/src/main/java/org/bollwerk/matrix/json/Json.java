package org.bollwerk.matrix.json;

import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one configured {@link JsonMapper} of Bollwerk and a strict reader for request bodies.
 *
 * <p>{@link #parseObject(byte[])} is the entry point for untrusted JSON: it maps every problem to a
 * {@link MatrixException} ({@code M_NOT_JSON} for bytes that are not JSON, {@code M_BAD_JSON} for
 * JSON we refuse), rejects duplicate keys and deep nesting, and keeps numbers exact.
 */
public final class Json {

    /** Deepest nesting accepted; the top-level object counts as depth 1. */
    public static final int MAX_DEPTH = 100;

    /**
     * Shared mapper: duplicate keys rejected, nesting limited, floats read as {@code BigDecimal} so no
     * number is silently rounded. Thread-safe; use it instead of building new mappers.
     */
    public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    // parseObject detects duplicates and depth itself so it can answer M_BAD_JSON (not M_NOT_JSON);
    // the raw factory must therefore not throw for them first. Its own depth limit is a backstop.
    private static final JsonFactory RAW = JsonFactory.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {}

    /**
     * Parses a request body that must be a JSON object.
     *
     * @throws MatrixException {@code M_NOT_JSON} if the body is empty or not JSON;
     *     {@code M_BAD_JSON} if it is JSON but not an object, has a duplicate key, nests deeper
     *     than {@value #MAX_DEPTH} or exceeds the parser's size limits
     */
    public static ObjectNode parseObject(byte[] body) {
        if (body == null || body.length == 0) {
            throw new MatrixException(ErrCode.M_NOT_JSON, "The request body is empty; expected a JSON object.");
        }
        JsonNode root;
        try (JsonParser parser = RAW.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new MatrixException(ErrCode.M_NOT_JSON, "The request body is empty; expected a JSON object.");
            }
            root = readValue(parser, first, 1);
            if (parser.nextToken() != null) {
                throw new MatrixException(ErrCode.M_NOT_JSON, "Unexpected content after the JSON value.");
            }
        } catch (StreamConstraintsException e) {
            throw MatrixException.badJson("The JSON exceeds a size limit: " + e.getOriginalMessage());
        } catch (JacksonException e) {
            throw new MatrixException(ErrCode.M_NOT_JSON, "The content is not valid JSON: " + shorten(e.getOriginalMessage()));
        }
        if (root instanceof ObjectNode object) {
            return object;
        }
        throw MatrixException.badJson("Expected a JSON object but got " + root.getNodeType().name().toLowerCase() + ".");
    }

    /** Compact (non-canonical) JSON text of a node; use {@link CanonicalJson} for hashing or signing. */
    public static String write(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }

    private static JsonNode readValue(JsonParser parser, JsonToken token, int depth) {
        return switch (token) {
            case START_OBJECT -> readObject(parser, depth);
            case START_ARRAY -> readArray(parser, depth);
            case VALUE_STRING -> NODES.stringNode(parser.getString());
            case VALUE_NUMBER_INT -> readInteger(parser);
            // BigDecimal keeps the value exactly as written; CanonicalJson rejects it anyway.
            case VALUE_NUMBER_FLOAT -> readDecimal(parser);
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new MatrixException(ErrCode.M_NOT_JSON, "Unexpected JSON token " + token + ".");
        };
    }

    private static ObjectNode readObject(JsonParser parser, int depth) {
        checkDepth(depth);
        ObjectNode object = NODES.objectNode();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            if (object.has(name)) {
                throw MatrixException.badJson("Duplicate key in JSON object: \"" + shorten(name) + "\".");
            }
            object.set(name, readValue(parser, parser.nextToken(), depth + 1));
        }
        expectEnd(token, JsonToken.END_OBJECT);
        return object;
    }

    private static ArrayNode readArray(JsonParser parser, int depth) {
        checkDepth(depth);
        ArrayNode array = NODES.arrayNode();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
            array.add(readValue(parser, token, depth + 1));
        }
        expectEnd(token, JsonToken.END_ARRAY);
        return array;
    }

    private static JsonNode readDecimal(JsonParser parser) {
        try {
            return NODES.numberNode(parser.getDecimalValue());
        } catch (NumberFormatException e) { // an exponent beyond BigDecimal's scale, e.g. 1e4041270368
            throw MatrixException.badJson("A number is out of range: " + shorten(parser.getText()));
        }
    }

    private static JsonNode readInteger(JsonParser parser) {
        // "-0" would otherwise silently become 0. Negative zero only exists as a float, so keep it
        // as one: CanonicalJson then rejects it like the spec demands.
        if ("-0".equals(parser.getText())) {
            return NODES.numberNode(-0.0d);
        }
        return switch (parser.getNumberType()) {
            case INT -> NODES.numberNode(parser.getIntValue());
            case LONG -> NODES.numberNode(parser.getLongValue());
            default -> NODES.numberNode(parser.getBigIntegerValue());
        };
    }

    private static void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw MatrixException.badJson("The JSON is nested deeper than " + MAX_DEPTH + " levels.");
        }
    }

    private static void expectEnd(JsonToken actual, JsonToken expected) {
        if (actual != expected) { // null: input ended; the parser normally throws before this
            throw new MatrixException(ErrCode.M_NOT_JSON, "The JSON ends unexpectedly.");
        }
    }

    private static String shorten(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 120 ? text : text.substring(0, 120) + "…";
    }
}

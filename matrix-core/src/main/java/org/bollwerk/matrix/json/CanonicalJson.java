package org.bollwerk.matrix.json;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.bollwerk.matrix.MatrixException;
import tools.jackson.databind.JsonNode;

/**
 * Matrix canonical JSON (spec appendix "Canonical JSON"): UTF-8, no insignificant whitespace, object
 * keys sorted by Unicode code point, integers only in ±(2^53−1), no floats, exponents or {@code -0},
 * and only the escapes the grammar requires.
 *
 * <p>Every violation throws {@link MatrixException} with {@code M_BAD_JSON}. Note that the spec's
 * appendix example normalises {@code 1e10} to {@code 10000000000}; we follow its grammar (and
 * Synapse's event validation) instead and reject any number written as a float.
 */
public final class CanonicalJson {

    /** Largest integer canonical JSON allows: 2^53 − 1. */
    public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private static final BigInteger MAX = BigInteger.valueOf(MAX_SAFE_INTEGER);
    private static final BigInteger MIN = MAX.negate();
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** Orders strings by Unicode code point; {@link String#compareTo} orders by UTF-16 unit instead. */
    public static final Comparator<String> CODE_POINT_ORDER = CanonicalJson::compareCodePoints;

    private CanonicalJson() {}

    /** The canonical UTF-8 bytes of {@code node}; throws {@code M_BAD_JSON} if it cannot be canonical. */
    public static byte[] encode(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        write(node, out);
        return out.toByteArray();
    }

    /** Canonical JSON as a string (same rules as {@link #encode(JsonNode)}). */
    public static String encodeToString(JsonNode node) {
        return new String(encode(node), StandardCharsets.UTF_8);
    }

    /**
     * Checks that event content can be encoded canonically, so that it can be hashed and signed.
     *
     * @throws MatrixException {@code M_BAD_JSON} naming the first offending value (float, {@code -0},
     *     integer out of range, unpaired surrogate)
     */
    public static void validateEventContent(JsonNode content) {
        write(content, new DiscardingSink());
    }

    private static void write(JsonNode node, ByteArrayOutputStream out) {
        switch (node.getNodeType()) {
            case OBJECT -> writeObject(node, out);
            case ARRAY -> writeArray(node, out);
            case STRING -> writeString(node.stringValue(), out);
            case NUMBER -> writeNumber(node, out);
            case BOOLEAN -> out.writeBytes(node.booleanValue() ? TRUE : FALSE);
            case NULL -> out.writeBytes(NULL);
            default -> throw MatrixException.badJson("Value of type " + node.getNodeType() + " cannot be encoded as JSON.");
        }
    }

    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] NULL = ascii("null");

    private static void writeObject(JsonNode node, ByteArrayOutputStream out) {
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(node.properties());
        entries.sort(Map.Entry.comparingByKey(CODE_POINT_ORDER));
        out.write('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> entry : entries) {
            if (!first) {
                out.write(',');
            }
            first = false;
            writeString(entry.getKey(), out);
            out.write(':');
            write(entry.getValue(), out);
        }
        out.write('}');
    }

    private static void writeArray(JsonNode node, ByteArrayOutputStream out) {
        out.write('[');
        for (int i = 0; i < node.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            write(node.get(i), out);
        }
        out.write(']');
    }

    private static void writeNumber(JsonNode node, ByteArrayOutputStream out) {
        if (!node.isIntegralNumber()) {
            if (node.isDouble() && node.doubleValue() == 0 && 1 / node.doubleValue() < 0) {
                throw MatrixException.badJson("Negative zero (-0) is not allowed in canonical JSON.");
            }
            throw MatrixException.badJson("Floating-point numbers are not allowed in canonical JSON: " + node.numberValue());
        }
        BigInteger value = node.bigIntegerValue();
        if (value.compareTo(MAX) > 0 || value.compareTo(MIN) < 0) {
            throw MatrixException.badJson("Integer " + value + " is outside the canonical JSON range ±(2^53−1).");
        }
        out.writeBytes(ascii(value.toString()));
    }

    private static void writeString(String s, ByteArrayOutputStream out) {
        out.write('"');
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (cp <= 0xFFFF && Character.isSurrogate((char) cp)) {
                throw MatrixException.badJson("String contains an unpaired UTF-16 surrogate.");
            }
            writeCodePoint(cp, out);
            i += Character.charCount(cp);
        }
        out.write('"');
    }

    private static void writeCodePoint(int cp, ByteArrayOutputStream out) {
        switch (cp) {
            case '"' -> out.writeBytes(ascii("\\\""));
            case '\\' -> out.writeBytes(ascii("\\\\"));
            case '\b' -> out.writeBytes(ascii("\\b"));
            case '\f' -> out.writeBytes(ascii("\\f"));
            case '\n' -> out.writeBytes(ascii("\\n"));
            case '\r' -> out.writeBytes(ascii("\\r"));
            case '\t' -> out.writeBytes(ascii("\\t"));
            default -> {
                if (cp < 0x20) { // other ASCII controls: backslash-u00XX with lowercase hex, as the grammar says
                    out.writeBytes(ascii("\\u00"));
                    out.write(HEX[cp >> 4]);
                    out.write(HEX[cp & 0xF]);
                } else if (cp < 0x80) {
                    out.write(cp);
                } else {
                    out.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A sink that validates without keeping the bytes. */
    private static final class DiscardingSink extends ByteArrayOutputStream {
        DiscardingSink() {
            super(0);
        }

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }
}

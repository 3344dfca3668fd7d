package org.bollwerk.matrix.json;

import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.fuzz.Fuzz;
import org.bollwerk.matrix.fuzz.JsonTrees;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing of the JSON that arrives from the network: whatever the bytes, parsing and
 * canonical encoding fail only with {@link MatrixException}, and canonical JSON survives a round trip.
 * {@link Fuzz#tries()} inputs per property (1,000 in the normal build; docs/security.md has the long run).
 */
class JsonFuzzTest {
    private static final List<String> KEYS = List.of("", "a", "b", "A", "é", "\ud83d\ude00", "\uffff", "type", "content");
    private static final String MUTATIONS = "{}[]\",:-0eE.\\\u0000\ud8009";
    private static final String JSONISH = "{}[]\",:0123456789eE.+-truefalsn\\u/ \t\n\u00e9\ud83d\ude00\ud800";

    @Test
    void canonicalJsonRoundTripsThroughTheRequestParser() {
        Fuzz.check(r -> JsonTrees.object(r, 4, KEYS), value -> {
            byte[] canonical;
            try {
                canonical = CanonicalJson.encode(value);
            } catch (MatrixException e) {
                return; // a float, an unpaired surrogate, an integer out of range: refused, as it must be
            }
            ObjectNode parsed = Json.parseObject(canonical);
            assertThat(CanonicalJson.encode(parsed)).isEqualTo(canonical);
        });
    }

    @Test
    void arbitraryTextFailsOnlyWithMatrixException() {
        Fuzz.check(r -> Fuzz.anyString(r, 60), text -> parseAndCanonicalise(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void jsonLikeTextFailsOnlyWithMatrixException() {
        Fuzz.check(r -> Fuzz.string(r, JSONISH, 80), text -> parseAndCanonicalise(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void arbitraryBytesFailOnlyWithMatrixException() {
        Fuzz.check(r -> Fuzz.bytes(r, 200), JsonFuzzTest::parseAndCanonicalise);
    }

    @Test
    void mutatedValidJsonFailsOnlyWithMatrixException() {
        Fuzz.check(r -> {
            StringBuilder text = new StringBuilder(Json.write(JsonTrees.object(r, 4, KEYS)));
            for (int m = 1 + r.nextInt(3); m > 0 && !text.isEmpty(); m--) {
                int at = r.nextInt(text.length());
                char c = MUTATIONS.charAt(r.nextInt(MUTATIONS.length()));
                switch (r.nextInt(3)) {
                    case 0 -> text.deleteCharAt(at);
                    case 1 -> text.insert(at, c);
                    default -> text.setCharAt(at, c);
                }
            }
            return text.toString();
        }, text -> parseAndCanonicalise(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Either a MatrixException, or a value whose canonical form (if it has one) is stable. */
    private static void parseAndCanonicalise(byte[] bytes) {
        ObjectNode parsed;
        try {
            parsed = Json.parseObject(bytes);
        } catch (MatrixException e) {
            assertThat(e.errCode().name()).startsWith("M_");
            return;
        }
        try {
            byte[] canonical = CanonicalJson.encode(parsed);
            assertThat(CanonicalJson.encode(Json.parseObject(canonical))).isEqualTo(canonical);
        } catch (MatrixException e) {
            assertThat(e.errCode().name()).isEqualTo("M_BAD_JSON");
        }
    }
}

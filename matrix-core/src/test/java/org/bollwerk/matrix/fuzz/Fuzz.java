package org.bollwerk.matrix.fuzz;

import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A small property-based fuzzing harness: runs a property against generated inputs, each try with its
 * own seed so a failure names the one-line command that reproduces it. No shrinking: generators keep
 * inputs small instead.
 *
 * <pre>
 *   -Dbollwerk.fuzz.tries=N    tries per property (default 1000; docs/security.md has the long run)
 *   -Dbollwerk.fuzz.seed=S     start seed (default: random per run); a failure prints the seed of its try
 * </pre>
 * The server's tests use it too, through matrix-core's test-jar.
 */
public final class Fuzz {
    private Fuzz() {
    }

    public static int tries() {
        return Integer.getInteger("bollwerk.fuzz.tries", 1000);
    }

    /** Checks {@code property} on {@link #tries()} inputs from {@code generator}; fails with seed and input. */
    public static <T> void check(Function<Random, T> generator, Consumer<T> property) {
        Long fixed = Long.getLong("bollwerk.fuzz.seed");
        long start = fixed != null ? fixed : new Random().nextLong();
        int tries = fixed != null && Boolean.getBoolean("bollwerk.fuzz.once") ? 1 : tries();
        for (int i = 0; i < tries; i++) {
            long seed = start + i;
            T input = generator.apply(new Random(seed));
            try {
                property.accept(input);
            } catch (Throwable t) {
                throw new AssertionError("Property failed for input " + describe(input) + "\n  reproduce with "
                        + "-Dbollwerk.fuzz.seed=" + seed + " -Dbollwerk.fuzz.once=true (try " + (i + 1) + " of " + tries + ")", t);
            }
        }
    }

    private static String describe(Object input) {
        String text = input instanceof byte[] bytes ? java.util.HexFormat.of().formatHex(bytes) : String.valueOf(input);
        StringBuilder out = new StringBuilder("\"");
        text.codePoints().limit(2000).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f || (cp >= 0xd800 && cp <= 0xdfff)) out.append(String.format("\\u%04x", cp));
            else out.appendCodePoint(cp);
        });
        return out.append(text.length() > 2000 ? "…\"" : "\"").toString();
    }

    // ------------------------------------------------------------------------------------ generators

    /** A string of up to {@code max} chars from {@code alphabet} (may hold surrogate halves on purpose). */
    public static String string(Random r, String alphabet, int max) {
        int length = r.nextInt(max + 1);
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) out.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return out.toString();
    }

    /** Any UTF-16 string: mostly ASCII, sometimes anything up to U+FFFF (lone surrogates included), or emoji. */
    public static String anyString(Random r, int max) {
        int length = r.nextInt(max + 1);
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            switch (r.nextInt(6)) {
                case 0 -> out.append((char) r.nextInt(0x10000));
                case 1 -> out.appendCodePoint(0x1F600 + r.nextInt(80));
                case 2 -> out.append((char) r.nextInt(0x20));
                default -> out.append((char) (0x20 + r.nextInt(0x5f)));
            }
        }
        return out.toString();
    }

    public static byte[] bytes(Random r, int max) {
        byte[] out = new byte[r.nextInt(max + 1)];
        r.nextBytes(out);
        return out;
    }

    @SafeVarargs
    public static <T> T oneOf(Random r, T... values) {
        return values[r.nextInt(values.length)];
    }
}

package org.bollwerk.search;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits text into search words: Unicode NFKC (so full-width, ligature and composed forms match their plain
 * spelling), lower case, broken at every code point that is neither a letter nor a digit. Words longer than
 * {@value #MAX_WORD_CHARS} characters (hashes, base64 blobs) are not indexed.
 */
final class SearchTokens {
    static final int MAX_WORD_CHARS = 64;
    /** Distinct words indexed per field of one event; the rest of a very long message is not searchable. */
    static final int MAX_WORDS_PER_FIELD = 2000;

    private SearchTokens() {
    }

    /** The words of {@code text} as written (NFKC, case kept), in order, duplicates included. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        if (text == null || text.isEmpty()) return words;
        String normal = Normalizer.normalize(text, Normalizer.Form.NFKC);
        int start = -1;
        for (int i = 0; i < normal.length(); ) {
            int cp = normal.codePointAt(i);
            boolean wordChar = Character.isLetterOrDigit(cp) || Character.getType(cp) == Character.NON_SPACING_MARK;
            if (wordChar && start < 0) start = i;
            if (!wordChar && start >= 0) {
                add(words, normal.substring(start, i));
                start = -1;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) add(words, normal.substring(start));
        return words;
    }

    private static void add(List<String> words, String word) {
        if (word.length() <= MAX_WORD_CHARS) words.add(word);
    }

    /** The search form of a word. */
    static String normalise(String word) {
        return word.toLowerCase(Locale.ROOT);
    }

    /** The distinct search forms of the words of {@code text}, at most {@value #MAX_WORDS_PER_FIELD}. */
    static Set<String> distinct(String text) {
        Set<String> tokens = new LinkedHashSet<>();
        for (String word : words(text)) {
            tokens.add(normalise(word));
            if (tokens.size() >= MAX_WORDS_PER_FIELD) break;
        }
        return tokens;
    }
}

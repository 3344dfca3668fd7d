package org.bollwerk.search;

import org.bollwerk.matrix.MatrixException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where the next page of a search starts ({@code next_batch}): below a stream position when ordered by
 * recency, at an offset into the ranked matches when ordered by rank. Opaque to clients; a value that was
 * not made here, or for the other ordering, is refused with {@code M_INVALID_PARAM}.
 */
record SearchCursor(boolean byRank, long value) {
    private static final String PREFIX = "s1.";
    static final SearchCursor FIRST_RECENT = new SearchCursor(false, Long.MAX_VALUE);
    static final SearchCursor FIRST_RANK = new SearchCursor(true, 0);

    String token() {
        String raw = (byRank ? "k:" : "r:") + value;
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static SearchCursor parse(String token, boolean byRank) {
        if (token == null) return byRank ? FIRST_RANK : FIRST_RECENT;
        try {
            if (!token.startsWith(PREFIX) || token.length() > 64) throw new IllegalArgumentException();
            String raw = new String(Base64.getUrlDecoder().decode(token.substring(PREFIX.length())), StandardCharsets.UTF_8);
            boolean rank = raw.startsWith("k:");
            if (!rank && !raw.startsWith("r:")) throw new IllegalArgumentException();
            long value = Long.parseLong(raw.substring(2));
            if (value < 0 || rank != byRank) throw new IllegalArgumentException();
            return new SearchCursor(rank, value);
        } catch (IllegalArgumentException e) {
            throw MatrixException.invalidParam("Invalid next_batch");
        }
    }
}

package org.bollwerk.matrix.id;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bollwerk.matrix.MatrixException;

/** Shared parsing for the {@code &localpart:domain} identifier family. */
final class Ids {

    /** Every Matrix identifier, sigil and domain included, is at most 255 bytes of UTF-8. */
    static final int MAX_BYTES = 255;

    static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    /** Splits {@code &localpart:domain} into localpart and domain after checking sigil and length. */
    static String[] split(String kind, char sigil, String id) {
        if (id == null || id.isEmpty()) {
            throw MatrixException.invalidParam("Missing " + lowerFirst(kind) + ".");
        }
        checkLength(kind, id);
        if (id.charAt(0) != sigil) {
            throw invalid(kind, id, "it must start with '" + sigil + "'.");
        }
        int colon = id.indexOf(':');
        if (colon < 0) {
            throw invalid(kind, id, "it must have the form " + sigil + "localpart:domain.");
        }
        return new String[] {id.substring(1, colon), id.substring(colon + 1)};
    }

    static void checkLength(String kind, String id) {
        if (id.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw invalid(kind, id, "it is longer than " + MAX_BYTES + " bytes.");
        }
    }

    /**
     * The historical localpart rule shared by user IDs, room IDs and aliases: any Unicode code point
     * except ':' and NUL. We additionally refuse the empty string, which nothing on this server creates.
     */
    static void checkOpaqueLocalpart(String kind, String full, String localpart) {
        if (localpart == null || localpart.isEmpty()) {
            throw invalid(kind, full, "the part before ':' is empty.");
        }
        for (int i = 0; i < localpart.length(); i++) {
            char c = localpart.charAt(i);
            if (c == ':' || c == '\0') {
                throw invalid(kind, full, "the part before the domain must not contain ':' or NUL.");
            }
            if (Character.isHighSurrogate(c) && i + 1 < localpart.length() && Character.isLowSurrogate(localpart.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw invalid(kind, full, "it contains an unpaired UTF-16 surrogate.");
            }
        }
    }

    static void checkDomain(String kind, String full, String domain) {
        if (!ServerName.isValid(domain)) {
            throw invalid(kind, full, "'" + shorten(domain == null ? "" : domain) + "' is not a valid server name.");
        }
    }

    static String randomLetters(String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    static MatrixException invalid(String kind, String id, String why) {
        return MatrixException.invalidParam("Invalid " + lowerFirst(kind) + " '" + shorten(id) + "': " + why);
    }

    private static String lowerFirst(String kind) {
        return Character.toLowerCase(kind.charAt(0)) + kind.substring(1);
    }

    static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }
}

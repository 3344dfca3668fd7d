package org.bollwerk.storage;

import org.bollwerk.matrix.MatrixException;

/**
 * Pagination and sync tokens. A token names a boundary in the global stream: "everything at or below
 * position N". {@code s<N>_<typing>} is what /sync hands out; /messages also accepts {@code t<N>}.
 */
public record StreamToken(long position, long typing) {

    public static StreamToken parse(String token) {
        if (token == null || token.isEmpty() || token.length() > 64) throw MatrixException.invalidParam("Invalid token");
        try {
            String body = token.charAt(0) == 's' || token.charAt(0) == 't' ? token.substring(1) : token;
            int underscore = body.indexOf('_');
            long position = Long.parseLong(underscore < 0 ? body : body.substring(0, underscore));
            long typing = underscore < 0 ? 0 : Long.parseLong(body.substring(underscore + 1));
            if (position < 0 || typing < 0) throw MatrixException.invalidParam("Invalid token");
            return new StreamToken(position, typing);
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam("Invalid token");
        }
    }

    /** Pagination token for position {@code position}. */
    public static String of(long position) {
        return "t" + position;
    }

    public String sync() {
        return "s" + position + "_" + typing;
    }
}

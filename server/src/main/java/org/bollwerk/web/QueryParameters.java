package org.bollwerk.web;

import org.bollwerk.matrix.MatrixException;

/** Numeric query parameters read the same way everywhere: absent gives the default, anything else must be a number in range. */
public final class QueryParameters {
    private QueryParameters() {
    }

    /** {@code value} as an int of at least {@code minimum}; {@code fallback} when absent; 400 M_INVALID_PARAM otherwise. */
    public static int integer(String value, String name, int fallback, int minimum) {
        if (value == null) return fallback;
        try {
            int n = Integer.parseInt(value);
            if (n < minimum) throw MatrixException.invalidParam(name + " must be at least " + minimum);
            return n;
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam(name + " must be an integer");
        }
    }
}

package org.bollwerk.matrix.id;

import java.util.regex.Pattern;

/**
 * An event ID {@code $opaque}. In room versions 4 and later the opaque part is the URL-safe unpadded
 * base64 reference hash (43 characters); older IDs look like {@code $x:domain}, which parsing still
 * accepts because clients may quote them. At most 255 bytes.
 */
public record EventId(String opaque) {

    private static final String KIND = "Event ID";
    private static final Pattern REFERENCE_HASH = Pattern.compile("[A-Za-z0-9_-]{43}");

    public EventId {
        if (opaque == null || opaque.isEmpty()) {
            throw Ids.invalid(KIND, "$", "the part after '$' is empty.");
        }
        String full = "$" + opaque;
        Ids.checkLength(KIND, full);
        for (int i = 0; i < opaque.length(); i++) {
            char c = opaque.charAt(i);
            // No control characters or spaces: event IDs travel in URL paths and log lines.
            if (c <= 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                throw Ids.invalid(KIND, full, "it contains a space, control character or surrogate.");
            }
        }
    }

    /** Parses {@code $opaque}; throws {@code M_INVALID_PARAM} with a readable reason. */
    public static EventId parse(String id) {
        if (id == null || id.isEmpty()) {
            throw org.bollwerk.matrix.MatrixException.invalidParam("Missing event ID.");
        }
        if (id.charAt(0) != '$') {
            throw Ids.invalid(KIND, id, "it must start with '$'.");
        }
        return new EventId(id.substring(1));
    }

    /** Whether this is a room-version-4+ reference-hash ID (as opposed to a legacy {@code $x:domain}). */
    public boolean isReferenceHash() {
        return REFERENCE_HASH.matcher(opaque).matches();
    }

    @Override
    public String toString() {
        return "$" + opaque;
    }
}

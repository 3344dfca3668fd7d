package org.bollwerk.matrix.id;

import java.util.regex.Pattern;

/**
 * A Matrix user ID {@code @localpart:domain}.
 *
 * <p>Parsing accepts historical localparts (any code point except ':' and NUL, see the spec's
 * "Historical User IDs") because such users exist in other rooms; new accounts must pass
 * {@link #isValidNewLocalpart(String)}. The whole ID is at most 255 bytes. The constructor and
 * {@link #parse(String)} throw {@code MatrixException} with {@code M_INVALID_PARAM} for malformed IDs.
 */
public record UserId(String localpart, String domain) {

    private static final String KIND = "User ID";
    private static final Pattern NEW_LOCALPART = Pattern.compile("[a-z0-9._=\\-/+]+");

    public UserId {
        String full = "@" + localpart + ":" + domain;
        Ids.checkOpaqueLocalpart(KIND, full, localpart);
        Ids.checkDomain(KIND, full, domain);
        Ids.checkLength(KIND, full);
    }

    /** Parses {@code @localpart:domain}; throws {@code M_INVALID_PARAM} with a readable reason. */
    public static UserId parse(String id) {
        String[] parts = Ids.split(KIND, '@', id);
        return new UserId(parts[0], parts[1]);
    }

    /** Like {@link #parse(String)} but answers {@code false} instead of throwing. */
    public static boolean isValid(String id) {
        try {
            parse(id);
            return true;
        } catch (org.bollwerk.matrix.MatrixException e) {
            return false;
        }
    }

    /** Whether {@code localpart} is allowed for a newly registered user: a-z 0-9 . _ = - / + only. */
    public static boolean isValidNewLocalpart(String localpart) {
        return localpart != null && NEW_LOCALPART.matcher(localpart).matches();
    }

    /** Whether this ID follows the current grammar rather than the historical one. */
    public boolean isCompliant() {
        return isValidNewLocalpart(localpart);
    }

    @Override
    public String toString() {
        return "@" + localpart + ":" + domain;
    }
}

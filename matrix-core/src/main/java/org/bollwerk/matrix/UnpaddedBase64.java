package org.bollwerk.matrix;

import java.util.Base64;

/** The spec's "unpadded Base64" (standard alphabet) and its URL-safe variant used for event IDs. */
public final class UnpaddedBase64 {

    private static final Base64.Encoder STANDARD = Base64.getEncoder().withoutPadding();
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

    private UnpaddedBase64() {}

    /** Standard alphabet, no padding: hashes, signatures and keys. */
    public static String encode(byte[] bytes) {
        return STANDARD.encodeToString(bytes);
    }

    /** URL-safe alphabet ({@code -_}), no padding: event IDs of room versions 4+. */
    public static String encodeUrlSafe(byte[] bytes) {
        return URL_SAFE.encodeToString(bytes);
    }

    /**
     * Decodes standard base64, with or without padding (the spec asks receivers to accept both).
     *
     * @throws MatrixException {@code M_INVALID_PARAM} if {@code text} is not base64
     */
    public static byte[] decode(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw MatrixException.invalidParam("Value is not valid unpadded base64.");
        }
    }
}

package org.bollwerk.media;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/** What a declared content type must look like, and which types a browser may show inline. */
final class ContentTypes {
    /** Served inline; everything else as an attachment (so HTML, SVG and the like never render in the origin). */
    private static final Set<String> INLINE = Set.of("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp",
            "video/mp4", "video/webm", "video/ogg", "audio/mpeg", "audio/mp4", "audio/ogg", "audio/webm", "audio/wav",
            "audio/x-wav", "audio/aac", "audio/flac", "text/plain");

    private ContentTypes() {
    }

    /** The media type without parameters, lower case; {@code application/octet-stream} when absent or malformed. */
    static String normalise(String header) {
        if (header == null || header.isBlank()) return "application/octet-stream";
        String type = header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.matches("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+") ? type : "application/octet-stream";
    }

    /** For raster image types we can recognise: whether the bytes are one. Other types are not checked. */
    static boolean matches(String type, byte[] b) {
        return switch (type) {
            case "image/png" -> starts(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
            case "image/jpeg" -> starts(b, 0xFF, 0xD8, 0xFF);
            case "image/gif" -> startsAscii(b, "GIF87a") || startsAscii(b, "GIF89a");
            case "image/bmp" -> startsAscii(b, "BM") && b.length > 14;
            case "image/webp" -> startsAscii(b, "RIFF") && b.length > 12
                    && new String(Arrays.copyOfRange(b, 8, 12), StandardCharsets.US_ASCII).equals("WEBP");
            default -> true;
        };
    }

    static boolean inline(String type) {
        return INLINE.contains(type);
    }

    private static boolean starts(byte[] b, int... magic) {
        if (b.length < magic.length) return false;
        for (int i = 0; i < magic.length; i++) if ((b[i] & 0xff) != magic[i]) return false;
        return true;
    }

    private static boolean startsAscii(byte[] b, String magic) {
        return starts(b, magic.chars().toArray());
    }
}

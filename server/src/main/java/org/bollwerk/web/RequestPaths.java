package org.bollwerk.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * How a request's path reads, for every filter that decides by path. The raw URI ({@code getRequestURI()})
 * is what the client wrote ({@code /_synapse/%61dmin;x=1/...}); the router matches the decoded segments
 * without their {@code ;} parameters. A filter that looks at the raw URI can be walked around (issue 24),
 * so path decisions use {@link #routed} — the path exactly as Spring's router matches it — and admin paths
 * must be spelled literally ({@link #literal}); a spelling whose {@link #loosest} reading is an admin path
 * but which is not literal is refused as ambiguous.
 */
public final class RequestPaths {
    /** Path prefixes of the admin surface: admin APIs, the portal, the metrics. */
    public static final List<String> ADMIN_PREFIXES = List.of("/_synapse/admin", "/_bollwerk/admin", "/_bollwerk/actuator",
            "/admin");
    private static final String ROUTED = RequestPaths.class.getName() + ".routed";
    private static final String LOOSEST = RequestPaths.class.getName() + ".loosest";
    private static final java.util.regex.Pattern TRAILING_DOTS = java.util.regex.Pattern.compile("[.\\s]+$");

    private RequestPaths() {
    }

    /**
     * The path as Spring's router matches it: each segment percent-decoded, its {@code ;} parameters dropped,
     * nothing else changed. Cached on the request. An undecodable path reads as its raw form.
     */
    public static String routed(HttpServletRequest request) {
        Object cached = request.getAttribute(ROUTED);
        if (cached instanceof String path) return path;
        String path;
        try {
            StringBuilder out = new StringBuilder();
            RequestPath parsed = RequestPath.parse(request.getRequestURI(), request.getContextPath());
            for (PathContainer.Element element : parsed.pathWithinApplication().elements()) {
                out.append(element instanceof PathContainer.PathSegment segment ? segment.valueToMatch() : element.value());
            }
            path = out.toString();
        } catch (RuntimeException e) {
            path = request.getRequestURI();
        }
        request.setAttribute(ROUTED, path);
        return path;
    }

    /** True when {@code path} is {@code prefix} or lies below it. */
    public static boolean under(String path, String prefix) {
        return path != null && (path.equals(prefix) || path.startsWith(prefix + "/"));
    }

    /** True when {@code path} is one of the {@link #ADMIN_PREFIXES} or below one. */
    public static boolean isAdmin(String path) {
        for (String prefix : ADMIN_PREFIXES) {
            if (under(path, prefix)) return true;
        }
        return false;
    }

    /** True when the request lies under {@code prefix} in any reading (routed or loosest). */
    static boolean underInAnyReading(HttpServletRequest request, String prefix) {
        return under(routed(request), prefix) || under(loosest(request), prefix);
    }

    /** True when the request is an admin path in any reading a server, proxy or file system might give it. */
    static boolean adminInAnyReading(HttpServletRequest request) {
        return isAdmin(routed(request)) || isAdmin(loosest(request));
    }

    /** {@link #loosest(String)} of the request's raw path, cached on the request (several filters ask). */
    private static String loosest(HttpServletRequest request) {
        if (request.getAttribute(LOOSEST) instanceof String path) return path;
        String path = loosest(request.getRequestURI());
        request.setAttribute(LOOSEST, path);
        return path;
    }

    /**
     * Every reading of a raw path folded into one, erring towards "admin": percent-decoded up to three times
     * (double encoding), {@code \} read as {@code /}, {@code ;} parameters, blanks, empty and {@code .} segments
     * dropped, {@code ..} resolved, trailing dots of a segment cut, lower case.
     */
    static String loosest(String raw) {
        String path = raw == null ? "" : raw;
        for (int i = 0; i < 3 && path.indexOf('%') >= 0; i++) path = decode(path);
        Deque<String> stack = new ArrayDeque<>();
        for (String segment : path.replace('\\', '/').split("/")) {
            int semicolon = segment.indexOf(';');
            if (semicolon >= 0) segment = segment.substring(0, semicolon);
            segment = segment.strip();
            if (segment.equals("..")) {
                stack.pollLast();
                continue;
            }
            segment = TRAILING_DOTS.matcher(segment).replaceAll("");
            if (!segment.isEmpty()) stack.addLast(segment.toLowerCase(Locale.ROOT));
        }
        return "/" + String.join("/", stack);
    }

    /**
     * True when the raw path is an admin path spelled literally: it starts with the prefix exactly as written
     * in {@link #ADMIN_PREFIXES}, and carries no {@code ;} parameters, backslashes, empty or dot segments
     * (encoded or not), encoded slashes or backslashes, or encoded percent signs (double encoding). Path
     * variables after the prefix may be percent-encoded as usual.
     */
    static boolean literal(String raw) {
        if (raw == null || !isAdmin(raw)) return false;
        if (raw.indexOf(';') >= 0 || raw.indexOf('\\') >= 0) return false;
        String lower = raw.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("%25")) return false;
        String[] segments = raw.split("/", -1);
        for (int i = 1; i < segments.length; i++) {
            String decoded = decode(segments[i]);
            boolean trailingSlash = i == segments.length - 1 && segments[i].isEmpty();
            if ((segments[i].isEmpty() && !trailingSlash) || decoded.equals(".") || decoded.equals("..")) return false;
        }
        return true;
    }

    /** Percent-decoding as UTF-8 that never fails: bad escapes stay as they are, bad UTF-8 becomes U+FFFD. */
    static String decode(String text) {
        if (text.indexOf('%') < 0) return text;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        byte[] in = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
                bytes.write(hex(in[i + 1]) * 16 + hex(in[i + 2]));
                i += 2;
            } else {
                bytes.write(in[i]);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte b) {
        return Character.digit(b, 16);
    }
}

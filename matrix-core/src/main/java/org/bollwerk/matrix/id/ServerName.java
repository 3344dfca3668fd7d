package org.bollwerk.matrix.id;

import java.util.regex.Pattern;
import org.bollwerk.matrix.MatrixException;

/**
 * Validation of server names per the spec appendix: {@code hostname [":" port]} where hostname is a
 * DNS name, a dotted-quad IPv4 literal or a bracketed IPv6 literal. Server names are case-sensitive.
 */
public final class ServerName {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern DNS_NAME = Pattern.compile("[A-Za-z0-9.-]{1,255}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    private ServerName() {}

    /** Whether {@code name} is a valid server name (with optional port). */
    public static boolean isValid(String name) {
        return name != null && problem(name) == null;
    }

    /**
     * Returns {@code name} unchanged if valid.
     *
     * @throws MatrixException {@code M_INVALID_PARAM} saying what is wrong
     */
    public static String validate(String name) {
        if (name == null) {
            throw MatrixException.invalidParam("Server name is missing.");
        }
        String problem = problem(name);
        if (problem != null) {
            throw MatrixException.invalidParam("Invalid server name '" + Ids.shorten(name) + "': " + problem);
        }
        return name;
    }

    private static String problem(String name) {
        if (name.isEmpty()) {
            return "it is empty.";
        }
        String host = name;
        String port = null;
        if (name.startsWith("[")) {
            int close = name.indexOf(']');
            if (close < 0) {
                return "the IPv6 literal has no closing ']'.";
            }
            host = name.substring(0, close + 1);
            String rest = name.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return "unexpected characters after the IPv6 literal.";
                }
                port = rest.substring(1);
            }
        } else {
            int colon = name.lastIndexOf(':');
            if (colon >= 0) {
                host = name.substring(0, colon);
                port = name.substring(colon + 1);
            }
        }
        String hostProblem = hostProblem(host);
        if (hostProblem != null) {
            return hostProblem;
        }
        return port == null ? null : portProblem(port);
    }

    private static String hostProblem(String host) {
        if (host.startsWith("[")) {
            String literal = host.substring(1, host.length() - 1);
            return IPV6_CHARS.matcher(literal).matches() && literal.indexOf(':') >= 0
                    ? null
                    : "the IPv6 literal is malformed.";
        }
        var ipv4 = IPV4.matcher(host);
        if (ipv4.matches()) {
            for (int group = 1; group <= 4; group++) {
                if (Integer.parseInt(ipv4.group(group)) > 255) {
                    return "an IPv4 address part is above 255.";
                }
            }
            return null;
        }
        if (host.isEmpty()) {
            return "the host name is empty.";
        }
        return DNS_NAME.matcher(host).matches()
                ? null
                : "the host name may only contain letters, digits, '-' and '.' (at most 255).";
    }

    private static String portProblem(String port) {
        if (!PORT.matcher(port).matches()) {
            return "the port must be 1 to 5 digits.";
        }
        int value = Integer.parseInt(port);
        return value >= 1 && value <= 65535 ? null : "the port must be between 1 and 65535.";
    }
}

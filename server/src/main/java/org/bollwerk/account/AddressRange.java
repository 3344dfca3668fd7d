package org.bollwerk.account;

import org.bollwerk.matrix.MatrixException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address or CIDR block ({@code 192.0.2.7}, {@code 10.0.0.0/8}, {@code 2001:db8::/32}) that a
 * credential may be used from. Literal addresses only: a name would need DNS, which an attacker may steer.
 */
public record AddressRange(String text, byte[] network, int prefixLength) {
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    /** Parses an address or block; 400 {@code M_INVALID_PARAM} when it is neither. */
    public static AddressRange parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) throw MatrixException.invalidParam("Not an IP address or CIDR block: " + abbreviate(trimmed));
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) throw MatrixException.invalidParam("Bad prefix length in " + abbreviate(trimmed));
        }
        return new AddressRange(trimmed, mask(bytes, prefix), prefix);
    }

    /** Whether the literal address {@code remote} (as the servlet container reports it) lies in this range. */
    public boolean contains(String remote) {
        byte[] bytes = remote == null ? null : literal(remote.startsWith("[") ? remote.substring(1, remote.length() - 1) : remote);
        if (bytes == null || bytes.length != network.length) return false;
        return java.util.Arrays.equals(mask(bytes, prefixLength), network);
    }

    private static byte[] literal(String address) {
        if (address.isEmpty() || !LITERAL.matcher(address).matches()) return null;
        if (address.indexOf(':') < 0 && address.chars().filter(c -> c == '.').count() != 3) return null;
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();   // a literal: no lookup happens
            return bytes;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xFF << (8 - keep)));
        }
        return out;
    }

    private static String abbreviate(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddressRange range && range.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}

package org.bollwerk.cluster;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * This node's name among its peers ({@code bollwerk.node-id}, default host name plus a random suffix so
 * that two processes on one host differ). It names lease holders and the sender of cluster messages.
 */
@Component
public class NodeId {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final String value;

    NodeId(@Value("${bollwerk.node-id:}") String configured) {
        String trimmed = configured == null ? "" : configured.trim();
        if (trimmed.length() > 64 || !trimmed.matches("[A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException(
                    "bollwerk.node-id (BOLLWERK_NODE_ID) must be at most 64 letters, digits, '.', '_' or '-'");
        }
        this.value = trimmed.isEmpty() ? hostName() + "-" + randomSuffix() : trimmed;
    }

    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }

    private static String hostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "");
            return name.isEmpty() ? "node" : name.substring(0, Math.min(name.length(), 48));
        } catch (UnknownHostException e) {
            return "node";
        }
    }

    private static String randomSuffix() {
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}

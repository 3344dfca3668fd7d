package org.bollwerk.account;

public record Device(String userId, String deviceId, String displayName, Long lastSeenTs, String lastSeenIp) {
}

package org.bollwerk.matrix.event;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bollwerk.matrix.UnpaddedBase64;
import org.bollwerk.matrix.json.CanonicalJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The content hash of a PDU (server-server spec "Calculating the content hash for an event"):
 * SHA-256 over the canonical JSON of the event without {@code unsigned}, {@code signatures} and
 * {@code hashes}. It covers the unredacted event, so tampering with redactable keys is detectable.
 */
public final class EventHashes {

    private EventHashes() {}

    /** Unpadded standard base64 of the content hash; the input is not modified. */
    public static String contentHash(ObjectNode pdu) {
        ObjectNode copy = pdu.deepCopy();
        copy.remove(java.util.List.of("unsigned", "signatures", "hashes"));
        return UnpaddedBase64.encode(sha256(CanonicalJson.encode(copy)));
    }

    /** Computes the content hash and stores it as {@code hashes.sha256} in {@code pdu}; returns {@code pdu}. */
    public static ObjectNode addContentHash(ObjectNode pdu) {
        String hash = contentHash(pdu);
        pdu.putObject("hashes").put("sha256", hash);
        return pdu;
    }

    /** Whether {@code hashes.sha256} matches the event's content. */
    public static boolean hasValidContentHash(ObjectNode pdu) {
        JsonNode stored = pdu.path("hashes").path("sha256");
        return stored.isString() && MessageDigest.isEqual(
                stored.stringValue().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                contentHash(pdu).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }
}

package org.bollwerk.matrix.event;

import org.bollwerk.matrix.RoomVersion;
import org.bollwerk.matrix.UnpaddedBase64;
import org.bollwerk.matrix.id.EventId;
import org.bollwerk.matrix.json.CanonicalJson;
import tools.jackson.databind.node.ObjectNode;

/**
 * Event IDs of room versions 4 and later: {@code $} + URL-safe unpadded base64 of the event's
 * reference hash (SHA-256 over the canonical JSON of the redacted event without {@code signatures}
 * and {@code unsigned}).
 *
 * <p>Pass the PDU exactly as it is (or will be) sent over federation: in these room versions a PDU
 * has no {@code event_id} key, and one left in would change the hash.
 */
public final class EventIds {

    private EventIds() {}

    /** The event ID string, e.g. {@code $Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg}. */
    public static String referenceId(ObjectNode pdu, RoomVersion version) {
        return "$" + UnpaddedBase64.encodeUrlSafe(referenceHash(pdu, version));
    }

    /** Same as {@link #referenceId} as a typed {@link EventId}. */
    public static EventId eventId(ObjectNode pdu, RoomVersion version) {
        return EventId.parse(referenceId(pdu, version));
    }

    /** The raw 32-byte reference hash. */
    public static byte[] referenceHash(ObjectNode pdu, RoomVersion version) {
        ObjectNode redacted = Redaction.redact(pdu, version);
        redacted.remove(java.util.List.of("signatures", "unsigned"));
        return EventHashes.sha256(CanonicalJson.encode(redacted));
    }
}

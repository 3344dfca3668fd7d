package org.bollwerk.room;

import tools.jackson.databind.node.ObjectNode;

/**
 * One event as stored: the full PDU plus the columns used to find it. {@code pdu} is shared and must be
 * treated as read-only; {@link ClientEvents} copies before shaping it for a client.
 */
public record StoredEvent(long streamOrdering, String eventId, String roomId, String type, String stateKey,
                          String sender, long originServerTs, String redactedBy, String txnDevice, String txnId,
                          ObjectNode pdu) {

    public boolean isState() {
        return stateKey != null;
    }

    public ObjectNode content() {
        return (ObjectNode) pdu.path("content");
    }

    /** The membership of an {@code m.room.member} event, or null. */
    public String membership() {
        return "m.room.member".equals(type) ? content().path("membership").asString(null) : null;
    }
}

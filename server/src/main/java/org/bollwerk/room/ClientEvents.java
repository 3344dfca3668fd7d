package org.bollwerk.room;

import org.bollwerk.matrix.json.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Shapes stored events for clients: the client-server event format (no hashes, signatures, auth/prev
 * events or depth), with {@code unsigned.age}, and {@code unsigned.transaction_id} only for the device
 * that sent the event (js-sdk resolves its local echo with it).
 */
public final class ClientEvents {
    private ClientEvents() {
    }

    public static ObjectNode format(StoredEvent event, String viewerUserId, String viewerDeviceId) {
        ObjectNode pdu = event.pdu();
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("content", pdu.path("content").deepCopy());
        out.put("event_id", event.eventId());
        out.put("origin_server_ts", event.originServerTs());
        out.put("room_id", event.roomId());
        out.put("sender", event.sender());
        if (event.stateKey() != null) out.put("state_key", event.stateKey());
        out.put("type", event.type());
        if (pdu.has("redacts")) out.set("redacts", pdu.get("redacts"));
        ObjectNode unsigned = out.putObject("unsigned");
        JsonNode stored = pdu.path("unsigned");
        if (stored.isObject()) {
            for (String field : new String[]{"prev_content", "prev_sender", "replaces_state", "redacted_because"}) {
                if (stored.has(field)) unsigned.set(field, stored.get(field));
            }
            if (stored.has("redacted_by") && !unsigned.has("redacted_because")) {
                unsigned.putObject("redacted_because").put("event_id", stored.get("redacted_by").asString());
            }
        }
        unsigned.put("age", Math.max(0, System.currentTimeMillis() - event.originServerTs()));
        if (event.txnId() != null && event.sender().equals(viewerUserId) && event.txnDevice() != null
                && event.txnDevice().equals(viewerDeviceId)) {
            unsigned.put("transaction_id", event.txnId());
        }
        return out;
    }

    /** Stripped state for invites: type, state_key, sender, content only. */
    public static ObjectNode stripped(StoredEvent event) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("content", event.content().deepCopy());
        out.put("sender", event.sender());
        out.put("state_key", event.stateKey());
        out.put("type", event.type());
        return out;
    }
}

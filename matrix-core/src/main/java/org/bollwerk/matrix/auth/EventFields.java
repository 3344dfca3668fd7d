package org.bollwerk.matrix.auth;

import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.UserId;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Typed reads of event fields; a malformed event is the caller's bad JSON, never a crash. */
final class EventFields {

    private EventFields() {}

    static String string(JsonNode event, String key) {
        JsonNode value = event.get(key);
        if (value == null || !value.isString()) {
            throw MatrixException.badJson("Event field '" + key + "' must be a string.");
        }
        return value.stringValue();
    }

    /** The state key, or {@code null} for message events. */
    static String stateKey(JsonNode event) {
        JsonNode value = event.get("state_key");
        if (value == null) {
            return null;
        }
        if (!value.isString()) {
            throw MatrixException.badJson("Event field 'state_key' must be a string.");
        }
        return value.stringValue();
    }

    static UserId userId(JsonNode event, String key) {
        String value = string(event, key);
        if (!UserId.isValid(value)) {
            throw MatrixException.badJson("Event field '" + key + "' is not a valid user ID: '" + value + "'.");
        }
        return UserId.parse(value);
    }

    /** The content object; absent content counts as empty. */
    static ObjectNode content(JsonNode event) {
        JsonNode content = event.get("content");
        if (content == null) {
            return event instanceof ObjectNode o ? o.objectNode() : null;
        }
        if (!(content instanceof ObjectNode object)) {
            throw MatrixException.badJson("Event field 'content' must be an object.");
        }
        return object;
    }
}

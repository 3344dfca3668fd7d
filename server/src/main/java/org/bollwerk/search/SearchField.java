package org.bollwerk.search;

import org.bollwerk.room.StoredEvent;

/** The event fields the spec lets a search look in ({@code keys}), with the code stored in the index. */
enum SearchField {
    BODY(0, "content.body", "m.room.message", "body"),
    NAME(1, "content.name", "m.room.name", "name"),
    TOPIC(2, "content.topic", "m.room.topic", "topic");

    final int code;
    final String key;
    final String eventType;
    final String contentField;

    SearchField(int code, String key, String eventType, String contentField) {
        this.code = code;
        this.key = key;
        this.eventType = eventType;
        this.contentField = contentField;
    }

    static SearchField ofKey(String key) {
        for (SearchField field : values()) if (field.key.equals(key)) return field;
        return null;
    }

    /** The field an event contributes to the index, or null (other types, encrypted events, redacted ones). */
    static SearchField of(StoredEvent event) {
        if (event.redactedBy() != null) return null;
        for (SearchField field : values()) {
            if (!field.eventType.equals(event.type())) continue;
            if (field != BODY && !"".equals(event.stateKey())) return null;
            return event.content().path(field.contentField).isString() ? field : null;
        }
        return null;
    }

    /** The text of this field in the event. */
    String text(StoredEvent event) {
        return event.content().path(contentField).asString("");
    }
}

package org.bollwerk.room;

/**
 * An event that relates to another ({@code m.relates_to} with {@code rel_type} and {@code event_id}) was
 * stored: published inside the writing transaction, so a listener's own writes commit with the event or not
 * at all. {@code key} is the annotation key of a reaction ({@code m.annotation}), else null. Listeners must be
 * quick: they run on the writer.
 */
public record RelationWritten(String roomId, String eventId, String sender, String relType, String targetEventId,
                              String key, long ts) {
}

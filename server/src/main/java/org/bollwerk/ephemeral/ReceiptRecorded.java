package org.bollwerk.ephemeral;

/**
 * A user's receipt moved forward to {@code eventId} (at stream position {@code eventPosition}): published
 * inside the receipt's write, so a listener's writes commit with it. {@code type} is {@code m.read},
 * {@code m.read.private} or {@code m.fully_read}. Listeners must be quick: they run on the writer.
 */
public record ReceiptRecorded(String roomId, String userId, String type, String eventId, long eventPosition, long ts) {
}

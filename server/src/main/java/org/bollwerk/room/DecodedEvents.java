package org.bollwerk.room;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * Recently read PDUs, decrypted and parsed, by event ID. A message in a room of N members is read by N
 * syncs within moments, and the send path reads the same few state events for every send; decrypting and
 * parsing each time was 15-17 % of the server's CPU when delivering (docs/benchmarks.md).
 *
 * <p>Safe across nodes without invalidation messages: an event's stored PDU changes only when it is
 * redacted, and redaction also sets the row's {@code redacted_by}, which every read passes in; a cached
 * entry is used only when that column still matches. Re-encryption under a new key leaves the plaintext
 * as it was. The row is still read from the database each time, so access checks and deletions are
 * unaffected; only the decryption and the JSON parse are saved. The cached nodes are shared: readers
 * treat {@link StoredEvent#pdu()} as read-only.
 */
@Component
class DecodedEvents {
    /** ~25 s of messages at 300 msg/s; a parsed PDU takes a few KiB of heap, so this stays in the tens of MiB. */
    static final int MAX_ENTRIES = 8_192;

    private record Entry(String redactedBy, ObjectNode pdu) {
    }

    private final Cache<String, Entry> cache = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).build();

    /** The PDU of {@code eventId} if it was decoded while the row had this {@code redactedBy}; null otherwise. */
    ObjectNode cached(String eventId, String redactedBy) {
        Entry entry = cache.getIfPresent(eventId);
        return entry != null && Objects.equals(entry.redactedBy(), redactedBy) ? entry.pdu() : null;
    }

    /** Keeps a freshly decoded PDU and returns it. */
    ObjectNode remember(String eventId, String redactedBy, ObjectNode pdu) {
        cache.put(eventId, new Entry(redactedBy, pdu));
        return pdu;
    }

    /** Called when this node redacts an event: other nodes notice the changed {@code redacted_by}. */
    void forget(String eventId) {
        cache.invalidate(eventId);
    }
}

package org.bollwerk.search;

import org.bollwerk.cluster.JobLease;
import org.bollwerk.keys.SearchTokenHasher;
import org.bollwerk.room.RoomReader;
import org.bollwerk.room.StoredEvent;
import org.bollwerk.storage.Db;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps the search index behind the event stream: every second, reads the events written since
 * {@code search_index_position} (after their commit, never on the writer's critical path), hashes the words of
 * message bodies, room names and topics, and stores them with the new position in one write per batch, so a
 * restart resumes where it stopped. A redaction removes the redacted event's words; an event already redacted
 * when it is read is not indexed. On several nodes one runs it at a time ({@link JobLease}).
 */
@Component
public class SearchIndexer {
    private static final Logger log = LoggerFactory.getLogger(SearchIndexer.class);
    /** Events per write: small enough that one write keeps the writer thread busy only briefly. */
    static final int BATCH = 200;
    private static final Duration LEASE_TTL = Duration.ofMinutes(1);
    private final Db db;
    private final RoomReader reader;
    private final SearchIndexStore store;
    private final SearchTokenHasher hasher;
    private final JobLease lease;
    private final ReentrantLock running = new ReentrantLock();

    SearchIndexer(Db db, RoomReader reader, SearchIndexStore store, SearchTokenHasher hasher, JobLease lease) {
        this.db = db;
        this.reader = reader;
        this.store = store;
        this.hasher = hasher;
        this.lease = lease;
    }

    @Scheduled(initialDelay = 1000, fixedDelay = 1000)
    void scheduled() {
        try {
            catchUp();
        } catch (RuntimeException e) {
            log.warn("Search indexing failed, retrying in a second: {}", e.toString());
        }
    }

    /** Indexes everything committed so far (waits for a run already under way); returns the events read. */
    public int catchUp() {
        if (store.position() >= reader.currentPosition()) return 0;  // nothing new: no lease write either
        running.lock();
        try {
            int[] read = {0};
            lease.runExclusively("search-indexer", LEASE_TTL, () -> {
                int n;
                while ((n = indexBatch()) >= 0) read[0] += n;
            });
            return read[0];
        } finally {
            running.unlock();
        }
    }

    /** How the room appears in {@code search_tokens.room_ref} (for operators' queries and tests). */
    public static long roomRef(String roomId) {
        return SearchIndexStore.roomRef(roomId);
    }

    /** How far the index has read the stream. */
    public long position() {
        return store.position();
    }

    /** Indexes the next batch; returns the events read, -1 when the index had caught up already. */
    private int indexBatch() {
        long from = store.position();
        long upTo = reader.currentPosition();  // everything up to here has committed (positions commit in order)
        if (from >= upTo) return -1;
        List<Long> positions = reader.streamOrderings(from, upTo, BATCH);
        List<StoredEvent> events = readable(positions);
        List<SearchIndexStore.Token> tokens = new ArrayList<>();
        Set<String> redactedIds = new LinkedHashSet<>();
        Map<String, Optional<SearchTokenHasher.Hasher>> hashers = new HashMap<>();
        for (StoredEvent event : events) {
            if ("m.room.redaction".equals(event.type())) redactedIds.add(redactedEventId(event));
            SearchField field = SearchField.of(event);
            if (field == null) continue;
            Optional<SearchTokenHasher.Hasher> h = hashers.computeIfAbsent(event.roomId(), this::hasherOf);
            if (h.isEmpty()) continue;
            long roomRef = SearchIndexStore.roomRef(event.roomId());
            for (String token : SearchTokens.distinct(field.text(event))) {
                tokens.add(new SearchIndexStore.Token(h.get().hash(token), event.streamOrdering(), field.code, roomRef));
            }
        }
        redactedIds.remove(null);
        List<Long> redacted = reader.events(redactedIds).values().stream().map(StoredEvent::streamOrdering).toList();
        // A short batch read everything up to upTo (other stream positions are receipts, account data, ...).
        long to = positions.size() < BATCH ? upTo : positions.get(positions.size() - 1);
        db.write(() -> {
            store.deleteEvents(redacted);
            store.insert(tokens);
            store.advance(to);
        });
        return positions.size();
    }

    /** The events at these positions; one that cannot be read (its tenant's keys shredded) is skipped. */
    private List<StoredEvent> readable(List<Long> positions) {
        try {
            return reader.eventsAt(positions);
        } catch (RuntimeException batchFailed) {
            List<StoredEvent> events = new ArrayList<>();
            for (Long position : positions) {
                try {
                    events.addAll(reader.eventsAt(List.of(position)));
                } catch (RuntimeException e) {
                    log.warn("Search index skips the event at {}: {}", position, e.toString());
                }
            }
            return events;
        }
    }

    /** The hasher of the room's tenant; empty when the tenant's keys were shredded (nothing to index). */
    private Optional<SearchTokenHasher.Hasher> hasherOf(String roomId) {
        Optional<String> tenant = reader.tenantOf(roomId);
        if (tenant.isEmpty()) return Optional.empty();
        try {
            return Optional.of(hasher.forTenant(tenant.get()));
        } catch (RuntimeException shredded) {
            return Optional.empty();
        }
    }

    private static String redactedEventId(StoredEvent redaction) {
        String inContent = redaction.content().path("redacts").asString(null);
        return inContent != null ? inContent : redaction.pdu().path("redacts").asString(null);
    }
}

package org.bollwerk.storage;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The global stream counter. A position is taken by incrementing the single counter row inside the
 * writing transaction: the row lock is held until commit, so transactions that take positions commit
 * in position order (on SQLite through the single writer, on PostgreSQL through the row lock, across
 * any number of nodes). A reader that sees position N therefore sees every write at or below N:
 * no write can commit late below a position already served.
 */
final class StreamPositions {

    /** What one write transaction allocated and whom it should wake after commit. */
    static final class Allocation {
        private long highest;
        private final Set<WakeKey> wakeKeys = new LinkedHashSet<>();

        long highest() {
            return highest;
        }

        void resetHighest(long value) {
            highest = value;
        }

        Set<WakeKey> wakeKeys() {
            return wakeKeys;
        }
    }

    private final ThreadLocal<Allocation> current = new ThreadLocal<>();
    private final StreamNotifier notifier;

    StreamPositions(StreamNotifier notifier) {
        this.notifier = notifier;
    }

    Allocation beginTransaction() {
        Allocation allocation = new Allocation();
        current.set(allocation);
        return allocation;
    }

    void endTransaction() {
        current.remove();
    }

    long allocate(JdbcClient writer) {
        long position = writer.sql("UPDATE stream_counter SET position = position + 1 WHERE id = 1 RETURNING position")
                .query(Long.class).single();
        Allocation allocation = current.get();
        if (allocation != null) allocation.highest = Math.max(allocation.highest, position);
        return position;
    }

    void wake(WakeKey key) {
        Allocation allocation = current.get();
        if (allocation == null) throw new IllegalStateException("wake keys are only collected inside a write transaction");
        allocation.wakeKeys.add(key);
    }

    void committed(Allocation allocation) {
        notifier.advance(allocation.highest, allocation.wakeKeys);
    }

    static long readCommitted(JdbcClient reader) {
        return reader.sql("SELECT position FROM stream_counter WHERE id = 1").query(Long.class).single();
    }
}

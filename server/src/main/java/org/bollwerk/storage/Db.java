package org.bollwerk.storage;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The one entry point features use for SQL. {@link #sql()} picks the connection: inside a write
 * transaction the writer (so a feature sees its own uncommitted rows), otherwise a reader.
 */
public final class Db implements AutoCloseable {
    // Writes of one fan-out in flight at once: enough to share a commit, few enough to keep each batch short.
    private static final int FAN_OUT_IN_FLIGHT = 8;
    private final Dialect dialect;
    private final JdbcClient writer;
    private final JdbcClient reader;
    private final StreamPositions stream;
    private final GroupCommitWriter writerQueue;
    // Set on the writer thread while a top-level write runs: what its caller runs after the commit.
    private final ThreadLocal<List<Runnable>> afterCommit = new ThreadLocal<>();

    Db(Dialect dialect, JdbcClient writer, JdbcClient reader, TransactionTemplate transactions, StreamPositions stream) {
        this.dialect = dialect;
        this.writer = writer;
        this.reader = reader;
        this.stream = stream;
        this.writerQueue = new GroupCommitWriter(transactions, stream);
    }

    public Dialect dialect() {
        return dialect;
    }

    public JdbcClient sql() {
        return TransactionSynchronizationManager.isActualTransactionActive() ? writer : reader;
    }

    /**
     * Runs {@code work} in one write transaction. Stream positions taken with {@link #nextPosition()}
     * inside it become visible to readers (and wake waiting syncs) only after the commit.
     */
    public <T> T write(Supplier<T> work) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return work.get();  // already inside: join the outer transaction
        }
        if (writerQueue.isWriterThread()) {
            throw new IllegalStateException("a write job must not start another top-level write");
        }
        List<Runnable> actions = new ArrayList<>();
        T value = writerQueue.submit(() -> {
            afterCommit.set(actions);
            try {
                return work.get();
            } finally {
                afterCommit.remove();
            }
        });
        for (Runnable action : actions) action.run();
        return value;
    }

    /**
     * Runs {@code work} for each item in a write of its own, a few at a time: the writes of one fan-out then
     * share commits (group commit) instead of paying one fsync each, while every batch stays small, so other
     * users' writes still get their turn after a few rooms rather than after all of them. A write that fails
     * does not stop the others; the first failure is thrown at the end. Stops submitting when {@code stop}
     * turns true. Not inside a write.
     */
    public <T> void writeEach(Collection<T> items, BooleanSupplier stop, Consumer<T> work) {
        Semaphore inFlight = new Semaphore(FAN_OUT_IN_FLIGHT);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (T item : items) {
                if (stop.getAsBoolean()) break;
                inFlight.acquireUninterruptibly();
                writers.execute(() -> {
                    try {
                        write(() -> work.accept(item));
                    } catch (RuntimeException e) {
                        if (!failure.compareAndSet(null, e)) failure.get().addSuppressed(e);
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
        if (failure.get() != null) throw failure.get();
    }

    /**
     * Runs {@code action} on the calling thread once the current write has committed, outside the writer
     * (so it may write again, in writes of its own); not at all if the write fails. Only inside {@link #write}.
     * Work that must survive a crash between the commit and the action records itself durably first
     * ({@link FollowUps}).
     */
    public void afterCommit(Runnable action) {
        List<Runnable> actions = afterCommit.get();
        if (actions == null) throw new IllegalStateException("after-commit actions are only taken inside a write");
        actions.add(action);
    }

    public void write(Runnable work) {
        write(() -> {
            work.run();
            return null;
        });
    }

    /** Asks that long-polls waiting on {@code key} be woken once this transaction commits. */
    public void wakeAfterCommit(WakeKey key) {
        stream.wake(key);
    }

    /** Stops the writer after the queued writes are done. */
    @Override
    public void close() {
        writerQueue.close();
    }

    /** Allocates the next global stream position; only valid inside {@link #write}. */
    public long nextPosition() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("stream positions are only allocated inside a write transaction");
        }
        return stream.allocate(writer);
    }
}

package org.bollwerk.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs every write transaction on one writer thread and commits the writes that queued up meanwhile
 * together: one commit (one fsync) for a whole batch instead of one per request. Each write runs under
 * its own savepoint, so a write that fails (an authorisation error, a constraint) is rolled back alone
 * and reported to its caller, while the others in the batch commit. Callers block (cheaply, on virtual
 * threads) until their write is durable.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final int MAX_BATCH = 64;

    private final TransactionTemplate transactions;
    private final StreamPositions stream;
    private final BlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    // Set once the writer has left its loop, before it refuses what is still queued (see submit).
    private volatile boolean stopped;

    private static final class Job<T> {
        final Supplier<T> work;
        final CompletableFuture<T> done = new CompletableFuture<>();
        T value;
        Throwable failure;

        Job(Supplier<T> work) {
            this.work = work;
        }

        void run() {
            try {
                value = work.get();
            } catch (Throwable e) {
                failure = e;
            }
        }

        void finish(Throwable batchFailure) {
            Throwable error = failure != null ? failure : batchFailure;
            if (error != null) done.completeExceptionally(error);
            else done.complete(value);
        }
    }

    GroupCommitWriter(TransactionTemplate transactions, StreamPositions stream) {
        this.transactions = transactions;
        this.stream = stream;
        this.thread = Thread.ofPlatform().name("bollwerk-writer").daemon().start(this::loop);
    }

    <T> T submit(Supplier<T> work) {
        if (closed) throw new IllegalStateException("the database writer is shut down");
        Job<T> job = new Job<>(work);
        queue.add(job);
        // Closed between the check above and the add, after the writer refused the queue: nobody else will.
        if (stopped && queue.remove(job)) job.finish(new IllegalStateException("the database writer is shut down"));
        try {
            return job.done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) throw runtime;
            if (e.getCause() instanceof Error error) throw error;
            throw e;
        }
    }

    boolean isWriterThread() {
        return Thread.currentThread() == thread;
    }

    private void loop() {
        List<Job<?>> batch = new ArrayList<>(MAX_BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                Job<?> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                runBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Throwable unexpected) {
                log.error("Writer batch failed", unexpected);
                batch.forEach(job -> job.finish(unexpected));
            } finally {
                batch.clear();
            }
        }
        stopped = true;
        Job<?> left;
        while ((left = queue.poll()) != null) left.finish(new IllegalStateException("the database writer is shut down"));
    }

    private void runBatch(List<Job<?>> batch) {
        StreamPositions.Allocation[] allocation = new StreamPositions.Allocation[1];
        Throwable batchFailure = null;
        try {
            transactions.executeWithoutResult(status -> {
                allocation[0] = stream.beginTransaction();
                try {
                    if (batch.size() == 1) {
                        runAlone(batch.get(0), status, allocation[0]);
                    } else {
                        for (Job<?> job : batch) runUnderSavepoint(job, status, allocation[0]);
                    }
                } finally {
                    stream.endTransaction();
                }
            });
        } catch (Throwable e) {
            batchFailure = e;  // the commit itself failed: nothing of this batch is durable
            allocation[0] = null;
        }
        if (allocation[0] != null) stream.committed(allocation[0]);
        for (Job<?> job : batch) job.finish(batchFailure);
    }

    /** A lone write that fails rolls back the whole (one-write) transaction. */
    private static void runAlone(Job<?> job, TransactionStatus status, StreamPositions.Allocation allocation) {
        job.run();
        if (job.failure != null) {
            status.setRollbackOnly();
            allocation.resetHighest(0);
        }
    }

    private static void runUnderSavepoint(Job<?> job, TransactionStatus status, StreamPositions.Allocation allocation) {
        Object savepoint = status.createSavepoint();
        long highestBefore = allocation.highest();
        job.run();
        if (job.failure != null) {
            status.rollbackToSavepoint(savepoint);
            // Positions taken by the rolled-back write are handed out again; never announce them.
            allocation.resetHighest(highestBefore);
        } else {
            status.releaseSavepoint(savepoint);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

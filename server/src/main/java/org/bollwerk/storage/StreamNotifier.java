package org.bollwerk.storage;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Knows the highest committed stream position and wakes long-polling requests. Waiters register on
 * {@link WakeKey}s (a room, a user) so a message wakes only the members of its room, not every
 * connected client.
 */
public final class StreamNotifier {
    private final AtomicLong committed = new AtomicLong();
    private final ConcurrentHashMap<WakeKey, Set<Waiter>> waiters = new ConcurrentHashMap<>();
    private volatile boolean shuttingDown;
    // Multi-node (org.bollwerk.cluster): told about each local commit so other nodes can be woken too.
    private volatile CommitListener commitListener;

    /** Hears about positions and wake keys committed on this node (not about those from other nodes). */
    @FunctionalInterface
    public interface CommitListener {
        void committed(long position, Collection<WakeKey> keys);
    }

    // Reads the committed position from the database; set by StorageConfiguration.
    private volatile java.util.function.LongSupplier committedInDatabase = () -> 0;

    void setCommittedSource(java.util.function.LongSupplier source) {
        this.committedInDatabase = source;
    }

    /**
     * The committed position, at least {@code wanted} if the database has committed that far. With several
     * nodes a client may bring a token from a node that heard of a commit before this one did; clamping
     * it to this node's older watermark would deliver events twice. Costs a read only in that case.
     */
    public long catchUp(long wanted) {
        if (wanted > committed.get()) advanceToDatabase(java.util.List.of());
        return committed.get();
    }

    /**
     * Raises the watermark to the committed position the database reports (another node committed; the
     * announced position is never taken on trust) and wakes the waiters of {@code keys}.
     *
     * @return whether the watermark moved
     */
    public boolean advanceToDatabase(Collection<WakeKey> keys) {
        long before = committed.get();
        advanceFromOtherNode(committedInDatabase.getAsLong(), keys);
        return committed.get() > before;
    }

    /** Installs the one listener for local commits (the cluster module's cross-node wake-ups). */
    public void setCommitListener(CommitListener listener) {
        this.commitListener = listener;
    }

    /** The highest position whose write (and every write below it) is committed. */
    public long current() {
        return committed.get();
    }

    /** Records a committed position and wakes the waiters of {@code keys}. Also used for ephemeral updates. */
    public void advance(long position, Collection<WakeKey> keys) {
        advanceFromOtherNode(position, keys);
        CommitListener listener = commitListener;
        if (listener != null) listener.committed(position, keys);
    }

    /** Like {@link #advance} for a position another node committed; not passed on to the commit listener. */
    private void advanceFromOtherNode(long position, Collection<WakeKey> keys) {
        committed.accumulateAndGet(position, Math::max);
        wake(keys);
    }

    /** Wakes every waiter once (another node's change was too large to name its keys, or was missed). */
    public void wakeAll() {
        waiters.values().forEach(set -> set.forEach(Waiter::signal));
    }

    /** Wakes waiters without a new position (ephemeral data such as typing lives outside the stream). */
    public void wake(Collection<WakeKey> keys) {
        for (WakeKey key : keys) {
            Set<Waiter> set = waiters.get(key);
            if (set != null) set.forEach(Waiter::signal);
        }
    }

    /** Registers interest in keys; close the waiter when done (try-with-resources). */
    public Waiter register(Collection<WakeKey> keys) {
        Waiter waiter = new Waiter(this, Set.copyOf(keys));
        for (WakeKey key : waiter.keys) {
            // Added inside the atomic compute: an add after computeIfAbsent returned could land in a set that
            // unregister had just removed as empty, and that waiter would never be woken.
            waiters.compute(key, (k, set) -> {
                Set<Waiter> into = set != null ? set : ConcurrentHashMap.newKeySet();
                into.add(waiter);
                return into;
            });
        }
        if (shuttingDown) waiter.signal();
        return waiter;
    }

    public boolean isShuttingDown() {
        return shuttingDown;
    }

    /** Wakes every waiter now and every later one at once: the node is going down. */
    void shutdown() {
        shuttingDown = true;
        waiters.values().forEach(set -> set.forEach(Waiter::signal));
    }

    /** Long-polls park again: the context was stopped and started (Spring's test-context pausing does this). */
    void resume() {
        shuttingDown = false;
    }

    private void unregister(Waiter waiter) {
        for (WakeKey key : waiter.keys) {
            waiters.computeIfPresent(key, (k, set) -> {
                set.remove(waiter);
                return set.isEmpty() ? null : set;
            });
        }
    }

    public int waitingCount() {
        return waiters.values().stream().mapToInt(Set::size).sum();
    }

    /** One parked request. Parks a virtual thread without pinning (no synchronized, no native call). */
    public static final class Waiter implements AutoCloseable {
        private final StreamNotifier owner;
        private final Set<WakeKey> keys;
        private final CountDownLatch latch = new CountDownLatch(1);

        private Waiter(StreamNotifier owner, Set<WakeKey> keys) {
            this.owner = owner;
            this.keys = keys;
        }

        void signal() {
            latch.countDown();
        }

        /** @return true when woken, false on timeout */
        public boolean await(Duration timeout) {
            try {
                return latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }

        @Override
        public void close() {
            owner.unregister(this);
        }
    }
}

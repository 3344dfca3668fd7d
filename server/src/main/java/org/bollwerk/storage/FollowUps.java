package org.bollwerk.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/**
 * Durable follow-up work: writes that a write triggers but that must not run inside it, such as re-sending
 * a user's member event into each of their 500 rooms after a rename. Inside that one transaction they would
 * hold the single writer (and on PostgreSQL the stream counter's row lock) and stall every other write.
 *
 * <p>{@link #schedule} records the work in {@code pending_fanout} within the triggering transaction, claimed
 * by this process. After the commit the caller runs it (so a request still returns once its follow-ups are
 * done), through a {@link FollowUpHandler} that writes unit by unit, and deletes the row. A row whose run was
 * cut short (shutdown, crash) is taken over once its claim expires: at start-up and every
 * {@code bollwerk.follow-ups.check-interval} by whichever node claims it first; a failed run is retried later.
 */
@Component
public class FollowUps implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(FollowUps.class);
    // Names this process's claims; a restarted process is another claimant, its old claims simply expire.
    private final String process = UUID.randomUUID().toString();
    private final Db db;
    private final ObjectProvider<FollowUpHandler> handlers;
    private final Duration claimTtl;
    private volatile boolean stopped;

    private record Item(long id, String kind, String subject, int attempts) {
    }

    FollowUps(Db db, ObjectProvider<FollowUpHandler> handlers,
              @Value("${bollwerk.follow-ups.claim-ttl:60s}") Duration claimTtl) {
        if (claimTtl.toMillis() < 1000) throw new IllegalArgumentException("bollwerk.follow-ups.claim-ttl must be at least 1s");
        this.db = db;
        this.handlers = handlers;
        this.claimTtl = claimTtl;
    }

    /**
     * Records {@code kind} work about {@code subject} (e.g. a user ID) in the current write; it runs after the
     * commit, and again after a crash until it has completed. Only inside {@code Db.write}.
     */
    public void schedule(String kind, String subject) {
        handler(kind).orElseThrow(() -> new IllegalArgumentException("no follow-up handler for " + kind));
        long now = System.currentTimeMillis();
        long id = db.sql().sql("""
                        INSERT INTO pending_fanout (kind, subject, created_at, claimed_by, claimed_until)
                        VALUES (?, ?, ?, ?, ?) RETURNING id""")
                .params(kind, subject, now, process, now + claimTtl.toMillis()).query(Long.class).single();
        db.afterCommit(() -> runClaimed(new Item(id, kind, subject, 0)));
    }

    /** How many follow-ups wait or run (for tests and the operator's curiosity). */
    public long pending() {
        return db.sql().sql("SELECT COUNT(*) FROM pending_fanout").query(Long.class).single();
    }

    /** Takes over and runs the rows nobody runs: left by a crash or a shutdown, or due for a retry. */
    @Scheduled(initialDelay = 0, fixedDelayString = "${bollwerk.follow-ups.check-interval:10s}")
    public void runLeftovers() {
        Optional<Item> next;
        while (!stopped && (next = claimNext()).isPresent()) {
            log.info("Resuming follow-up {} for {} (attempt {})", next.get().kind(), next.get().subject(),
                    next.get().attempts() + 1);
            runClaimed(next.get());
        }
    }

    private Optional<Item> claimNext() {
        return db.write(() -> {
            long now = System.currentTimeMillis();
            List<Item> candidates = db.sql().sql("""
                            SELECT id, kind, subject, attempts FROM pending_fanout
                            WHERE claimed_until < ? ORDER BY id LIMIT 8""").param(now)
                    .query((rs, n) -> new Item(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4))).list();
            for (Item candidate : candidates) {
                // Another node may have claimed it since the read: the condition is checked again on the row.
                int claimed = db.sql().sql("""
                                UPDATE pending_fanout SET claimed_by = ?, claimed_until = ?
                                WHERE id = ? AND claimed_until < ?""")
                        .params(process, now + claimTtl.toMillis(), candidate.id(), now).update();
                if (claimed == 1) return Optional.of(candidate);
            }
            return Optional.<Item>empty();
        });
    }

    /** Runs a row this process has claimed; never throws (the triggering write has committed already). */
    private void runClaimed(Item item) {
        Thread renewer = Thread.ofVirtual().name("bollwerk-follow-up-" + item.id()).start(() -> renewWhileRunning(item));
        try {
            FollowUpHandler handler = handler(item.kind())
                    .orElseThrow(() -> new IllegalStateException("no follow-up handler for " + item.kind()));
            handler.run(item.kind(), item.subject(), () -> stopped);
            renewer.interrupt();
            if (stopped) {
                release(item, 0, item.attempts());  // cut short by shutdown: the next node or start resumes it
            } else {
                db.write(() -> db.sql().sql("DELETE FROM pending_fanout WHERE id = ? AND claimed_by = ?")
                        .params(item.id(), process).update());
            }
        } catch (RuntimeException e) {
            renewer.interrupt();
            int attempts = item.attempts() + 1;
            long retryIn = Math.min(Duration.ofHours(1).toMillis(), Duration.ofSeconds(30).toMillis() * attempts);
            if (attempts >= 5) log.error("Follow-up {} for {} failed {} times; retrying in {} s", item.kind(),
                    item.subject(), attempts, retryIn / 1000, e);
            else log.warn("Follow-up {} for {} failed (attempt {}), retrying in {} s: {}", item.kind(),
                    item.subject(), attempts, retryIn / 1000, e.toString());
            release(item, System.currentTimeMillis() + retryIn, attempts);
        }
    }

    private void release(Item item, long retryAt, int attempts) {
        try {
            db.write(() -> db.sql().sql("""
                            UPDATE pending_fanout SET claimed_by = NULL, claimed_until = ?, attempts = ?
                            WHERE id = ? AND claimed_by = ?""")
                    .params(retryAt, attempts, item.id(), process).update());
        } catch (RuntimeException e) {
            log.warn("Could not release follow-up {} (its claim expires by itself): {}", item.id(), e.toString());
        }
    }

    private void renewWhileRunning(Item item) {
        long every = claimTtl.toNanos() / 3;
        while (true) {
            LockSupport.parkNanos(every);
            if (Thread.currentThread().isInterrupted()) return;
            try {
                db.write(() -> db.sql().sql("UPDATE pending_fanout SET claimed_until = ? WHERE id = ? AND claimed_by = ?")
                        .params(System.currentTimeMillis() + claimTtl.toMillis(), item.id(), process).update());
            } catch (RuntimeException e) {
                log.warn("Could not renew the claim on follow-up {}: {}", item.id(), e.toString());
            }
        }
    }

    private Optional<FollowUpHandler> handler(String kind) {
        return handlers.orderedStream().filter(h -> h.kinds().contains(kind)).findFirst();
    }

    @Override
    public void start() {
        stopped = false;
    }

    /** Running follow-ups stop after their current unit and are resumed later (by this or another node). */
    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public boolean isRunning() {
        return !stopped;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;  // stop before the web server waits for requests that run follow-ups
    }
}

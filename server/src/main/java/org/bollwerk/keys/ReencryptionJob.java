package org.bollwerk.keys;

import org.bollwerk.cluster.JobLease;
import org.bollwerk.storage.Db;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves everything encrypted at rest to each tenant's newest data key version (and encrypts values stored
 * before encryption existed): after a data key rotation, so old versions protect nothing new and a leaked
 * old key exposes nothing. Runs in the background in small batches, each its own short write, so the
 * writer is never blocked for long; progress is stored per source, so a restart resumes where it stopped.
 * With several nodes, a job lease lets one node at a time work; when it dies, another picks the run up.
 */
@Service
public class ReencryptionJob implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(ReencryptionJob.class);
    private static final Logger audit = LoggerFactory.getLogger("bollwerk.audit");
    static final int BATCH = 200;
    static final String LEASE = "at-rest-reencryption";
    private static final Duration LEASE_TTL = Duration.ofMinutes(1);

    private final Db db;
    private final JobLease lease;
    private final Map<String, ReencryptionSource> sources = new LinkedHashMap<>();
    private volatile Thread worker;
    private volatile boolean stopping;
    private volatile boolean closed;

    ReencryptionJob(Db db, JobLease lease, List<ReencryptionSource> sources) {
        this.db = db;
        this.lease = lease;
        sources.forEach(s -> this.sources.put(s.name(), s));
    }

    public record SourceProgress(String source, String state, long done, long total, String error) {
    }

    /** state: {@code idle} (never run), {@code running}, {@code done} or {@code failed}. */
    public record Progress(String state, long done, long total, List<SourceProgress> sources) {
    }

    /** Starts a run over all data (or reports the one already running). */
    public synchronized Progress start(String actor) {
        if (isRunning() || lease.holder(LEASE) != null) return progress();
        Map<String, Long> totals = new LinkedHashMap<>();
        sources.forEach((name, source) -> totals.put(name, source.count()));
        long now = System.currentTimeMillis();
        db.write(() -> {
            db.sql().sql("DELETE FROM at_rest_reencryption").update();
            totals.forEach((name, total) -> db.sql().sql("INSERT INTO at_rest_reencryption (source, cursor, done, total, "
                    + "state, started_ts) VALUES (?, NULL, 0, ?, 'running', ?)").params(name, total, now).update());
        });
        audit.info("reencryption-start sources={} by={}", totals, actor);
        launch();
        return progress();
    }

    public Progress progress() {
        List<SourceProgress> rows = rows();
        String state = rows.isEmpty() ? "idle"
                : rows.stream().anyMatch(r -> r.state().equals("failed")) ? "failed"
                : rows.stream().anyMatch(r -> r.state().equals("running")) ? "running" : "done";
        return new Progress(state, rows.stream().mapToLong(SourceProgress::done).sum(),
                rows.stream().mapToLong(SourceProgress::total).sum(), rows);
    }

    boolean isRunning() {
        Thread current = worker;
        return current != null && current.isAlive();
    }

    /**
     * A run interrupted by a shutdown continues after the next start; a run whose node died continues
     * on another node once that node's lease has expired.
     */
    @EventListener(ApplicationReadyEvent.class)
    @Scheduled(initialDelay = 60_000, fixedDelay = 60_000)
    synchronized void resume() {
        if (!closed && !isRunning() && lease.holder(LEASE) == null && rows().stream().anyMatch(r -> r.state().equals("running"))) {
            log.info("Encryption at rest: resuming the interrupted re-encryption job");
            launch();
        }
    }

    /** Stops after the current batch; the next start resumes. */
    @Override
    public void destroy() throws InterruptedException {
        closed = true;
        stopping = true;
        Thread current = worker;
        if (current != null) current.join(30_000);
    }

    private void launch() {
        stopping = false;
        worker = Thread.ofPlatform().daemon().name("bollwerk-reencryption")
                .start(() -> lease.runExclusively(LEASE, LEASE_TTL, this::run));
    }

    private void run() {
        for (SourceProgress row : rows()) {
            if (!row.state().equals("running")) continue;
            ReencryptionSource source = sources.get(row.source());
            try {
                if (source == null) throw new IllegalStateException("no such kind of data in this version");
                String cursor = db.sql().sql("SELECT cursor FROM at_rest_reencryption WHERE source = ?")
                        .param(row.source()).query(String.class).optional().orElse(null);
                long done = row.done();
                while (true) {
                    if (stopping) return;
                    ReencryptionSource.Batch batch = source.reencrypt(cursor, BATCH);
                    if (batch.cursor() == null) break;
                    cursor = batch.cursor();
                    done += batch.seen();
                    save(row.source(), cursor, done, "running", null);
                }
                save(row.source(), cursor, done, "done", null);
                log.info("Encryption at rest: re-encrypted {} ({} values)", row.source(), done);
            } catch (RuntimeException e) {
                log.error("Encryption at rest: re-encrypting {} failed; start the job again to retry", row.source(), e);
                String message = String.valueOf(e.getMessage());
                save(row.source(), null, row.done(), "failed", message.length() > 500 ? message.substring(0, 500) : message);
                return;
            }
        }
    }

    private void save(String source, String cursor, long done, String state, String error) {
        long finished = System.currentTimeMillis();
        db.write(() -> db.sql().sql("UPDATE at_rest_reencryption SET cursor = COALESCE(?, cursor), done = ?, state = ?, "
                        + "error = ?, finished_ts = CASE WHEN ? = 'running' THEN NULL ELSE CAST(? AS BIGINT) END WHERE source = ?")
                .params(cursor, done, state, error, state, finished, source).update());
    }

    private List<SourceProgress> rows() {
        return db.sql().sql("SELECT source, state, done, total, error FROM at_rest_reencryption ORDER BY started_ts, source")
                .query((rs, n) -> new SourceProgress(rs.getString(1), rs.getString(2), rs.getLong(3),
                        Math.max(rs.getLong(4), rs.getLong(3)), rs.getString(5)))
                .list();
    }
}

package org.bollwerk.cluster;

import org.bollwerk.storage.Db;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a background job on one node at a time, through a lease row in the database
 * ({@code cluster_job_leases}). Every node may call {@link #runExclusively} on its own schedule; the one
 * that holds (or takes over an expired) lease runs the job, the others skip this round. While the job
 * runs, the lease is renewed every third of its time-to-live; when the holder dies, the lease expires and
 * the next node to try takes it over. Node clocks should agree to well within the time-to-live (NTP).
 */
@Component
public class JobLease {
    private static final Logger log = LoggerFactory.getLogger(JobLease.class);
    private final Db db;
    private final NodeId nodeId;

    JobLease(Db db, NodeId nodeId) {
        this.db = db;
        this.nodeId = nodeId;
    }

    /**
     * Runs {@code work} on this thread if this node holds or can take the lease for {@code job}.
     *
     * @return true when this node ran the job, false when another node holds the lease
     */
    public boolean runExclusively(String job, Duration ttl, Runnable work) {
        if (ttl.toMillis() < 1000) throw new IllegalArgumentException("lease time-to-live must be at least a second");
        if (!tryAcquire(job, ttl)) return false;
        Thread renewer = Thread.ofVirtual().name("bollwerk-lease-" + job).start(() -> renewWhileRunning(job, ttl));
        try {
            work.run();
            return true;
        } finally {
            renewer.interrupt();
            release(job);
        }
    }

    /** Takes the lease if it is free, expired, or already ours. */
    boolean tryAcquire(String job, Duration ttl) {
        long now = System.currentTimeMillis();
        int rows = db.write(() -> db.sql().sql("""
                        INSERT INTO cluster_job_leases (job, holder, expires_at) VALUES (?, ?, ?)
                        ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                        WHERE cluster_job_leases.expires_at < ? OR cluster_job_leases.holder = excluded.holder""")
                .params(job, nodeId.value(), now + ttl.toMillis(), now).update());
        return rows == 1;
    }

    /** The node that holds the lease now, or null if none (free or expired). */
    public String holder(String job) {
        return db.sql().sql("SELECT holder FROM cluster_job_leases WHERE job = ? AND expires_at >= ?")
                .params(job, System.currentTimeMillis()).query(String.class).optional().orElse(null);
    }

    /** Whether this node holds the lease for {@code job} now (a long-running holder checks it between steps). */
    public boolean heldHere(String job) {
        return nodeId.value().equals(holder(job));
    }

    private void renewWhileRunning(String job, Duration ttl) {
        long every = ttl.toNanos() / 3;
        while (true) {
            LockSupport.parkNanos(every);
            if (Thread.currentThread().isInterrupted()) return;
            try {
                int rows = db.write(() -> db.sql().sql(
                                "UPDATE cluster_job_leases SET expires_at = ? WHERE job = ? AND holder = ?")
                        .params(System.currentTimeMillis() + ttl.toMillis(), job, nodeId.value()).update());
                if (rows == 0) log.warn("Lost the lease for job {} while running it", job);
            } catch (RuntimeException e) {
                log.warn("Could not renew the lease for job {}: {}", job, e.getMessage());
            }
        }
    }

    private void release(String job) {
        try {
            db.write(() -> db.sql().sql("UPDATE cluster_job_leases SET expires_at = 0 WHERE job = ? AND holder = ?")
                    .params(job, nodeId.value()).update());
        } catch (RuntimeException e) {
            log.warn("Could not release the lease for job {} (it expires by itself): {}", job, e.getMessage());
        }
    }
}

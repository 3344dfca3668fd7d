package org.bollwerk.sync;

import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * Bounds how many /sync responses are built at once. A message into a room of 1,000 members wakes 1,000
 * long-polls at the same moment; unbounded, their builds fill the virtual-thread scheduler's queue, and a
 * send arriving then waits behind all of them (send p99 of 8 s in the delivery benchmark), while on
 * PostgreSQL thousands of builds queue for the pool's connections and fail after its 30 s timeout (the
 * idle-connections benchmark). With a bound, waiting builds park on a fair semaphore instead: requests
 * that are not syncs go straight through, and no build waits for a connection that another build holds.
 */
@Component
class SyncAdmission {
    private final Semaphore permits;
    private final int size;

    SyncAdmission(BollwerkProperties props) {
        int configured = props.sync().concurrentBuilds();
        this.size = configured > 0 ? configured
                : Math.max(2, Math.min(2 * Runtime.getRuntime().availableProcessors(), props.database().poolSize()));
        this.permits = new Semaphore(size, true);
    }

    int size() {
        return size;
    }

    /** Builds waiting for a permit now (for the metric {@code bollwerk_sync_builds_queued}). */
    int queued() {
        return permits.getQueueLength();
    }

    /** Builds holding a permit now. */
    int building() {
        return size - permits.availablePermits();
    }

    /** Waits for a permit; close the result when the database work is done, before parking. */
    Permit enter() {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MatrixException(ErrCode.M_UNKNOWN, 503, "The server is shutting down", Map.of());
        }
        return permits::release;
    }

    /** One held permit. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }
}

package org.bollwerk.storage;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * On shutdown, answers every parked long-poll at once (clients simply sync again, on another node or
 * after the restart) so that graceful shutdown does not wait out 30-second /sync timeouts.
 * Runs before the web server's graceful shutdown phase.
 */
@Component
class LongPollShutdown implements SmartLifecycle {
    private final StreamNotifier notifier;
    private volatile boolean running;

    LongPollShutdown(StreamNotifier notifier) {
        this.notifier = notifier;
    }

    @Override
    public void start() {
        notifier.resume();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        notifier.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}

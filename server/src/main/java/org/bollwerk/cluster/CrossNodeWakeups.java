package org.bollwerk.cluster;

import org.bollwerk.storage.StreamNotifier;
import org.bollwerk.storage.WakeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * Carries the long-poll wake-ups of {@link StreamNotifier} to the other nodes. After a local commit the
 * keys it woke are queued (on the wire {@code room:…}, {@code user:…}, one a line, see {@link WakeKey#wire()}); a sender thread sends whatever queued up as
 * one NOTIFY (batching under load), or "wake all" ({@code *}) when the keys do not fit in a payload.
 * A receiving node never trusts the announced position: it reads the committed position from the
 * database (positions commit in order, ADR 0001), raises its watermark to it and wakes the named keys.
 * Missed notifications (a re-connect) and lost ones are caught up by a check every two seconds.
 */
@Component
class CrossNodeWakeups implements ClusterBus.Subscriber, DisposableBean {
    static final String TOPIC = "wake";
    static final String WAKE_ALL = "*";
    private static final Logger log = LoggerFactory.getLogger(CrossNodeWakeups.class);
    private static final long CATCH_UP_EVERY_MS = 2000;

    private final ClusterBus bus;
    private final StreamNotifier notifier;
    private final Semaphore pendingSignal = new Semaphore(0);
    private final Object lock = new Object();
    private Set<WakeKey> pendingKeys = new LinkedHashSet<>();
    private long pendingPosition;
    private volatile boolean running = true;
    private volatile long lastCatchUp;
    private final Thread sender;

    CrossNodeWakeups(ClusterBus bus, StreamNotifier notifier) {
        this.bus = bus;
        this.notifier = notifier;
        if (bus.isClustered()) {
            bus.subscribe(TOPIC, this);
            notifier.setCommitListener(this::committedHere);
            sender = Thread.ofVirtual().name("bollwerk-cluster-wake-sender").start(this::sendLoop);
        } else {
            sender = null;
        }
    }

    /** Runs on the writer thread right after a commit: only queue, never block it. */
    private void committedHere(long position, Collection<WakeKey> keys) {
        synchronized (lock) {
            pendingKeys.addAll(keys);
            pendingPosition = Math.max(pendingPosition, position);
        }
        pendingSignal.release();
    }

    private void sendLoop() {
        while (running) {
            try {
                pendingSignal.acquire();
                pendingSignal.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
            Set<WakeKey> keys;
            long position;
            synchronized (lock) {
                keys = pendingKeys;
                position = pendingPosition;
                pendingKeys = new LinkedHashSet<>();
            }
            try {
                bus.publish(TOPIC, payload(position, keys));
            } catch (RuntimeException e) {
                // The others catch up by their periodic check; nothing is lost but latency.
                log.warn("Could not send a cross-node wake-up: {}", e.getMessage());
            }
        }
    }

    static String payload(long position, Collection<WakeKey> keys) {
        StringBuilder body = new StringBuilder().append(position);
        for (WakeKey key : keys) body.append('\n').append(key.wire());
        if (body.toString().getBytes(StandardCharsets.UTF_8).length > ClusterBus.MAX_BODY_BYTES) {
            return position + "\n" + WAKE_ALL;
        }
        return body.toString();
    }

    @Override
    public void received(List<String> bodies) {
        Set<WakeKey> keys = new LinkedHashSet<>();
        boolean all = false;
        for (String body : bodies) {
            List<String> lines = List.of(body.split("\n"));
            for (String key : lines.subList(1, lines.size())) {
                if (WAKE_ALL.equals(key)) {
                    all = true;
                } else {
                    try {
                        keys.add(WakeKey.parse(key));
                    } catch (IllegalArgumentException unknown) {
                        all = true;  // a key this node does not know (a newer peer): better everyone than no one
                    }
                }
            }
        }
        lastCatchUp = System.currentTimeMillis();
        notifier.advanceToDatabase(all ? List.of() : keys);
        if (all) notifier.wakeAll();
    }

    @Override
    public void resynchronise() {
        catchUp();
    }

    @Override
    public void tick() {
        if (System.currentTimeMillis() - lastCatchUp >= CATCH_UP_EVERY_MS) catchUp();
    }

    /** Raises the watermark to the database's and wakes everyone if it moved without our hearing. */
    private void catchUp() {
        lastCatchUp = System.currentTimeMillis();
        if (notifier.advanceToDatabase(List.of())) notifier.wakeAll();
    }

    @Override
    public void destroy() {
        running = false;
        if (sender != null) sender.interrupt();
    }
}

package org.bollwerk.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.userdata.PushProperties;
import org.bollwerk.userdata.Pushers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * Delivers the outbox to HTTP pushers. Each row is claimed before it is sent, so several nodes never send the
 * same push; a gateway that fails is retried with a growing delay until {@code bollwerk.push.retry-for} is
 * over; a pushkey the gateway {@code rejected} loses its pusher. At most {@code concurrent-requests} requests
 * run at once, each with a timeout, on virtual threads of their own: a slow gateway delays only its pushes,
 * never a send or a /sync.
 */
@Component
class PushSender implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(PushSender.class);
    private final String process = UUID.randomUUID().toString();
    private final OutboxStore outbox;
    private final Pushers pushers;
    private final Notifications notifications;
    private final GatewayClient gateway;
    private final PushProperties props;
    private final Semaphore inFlight;
    private final Counter sent;
    private final Counter failed;
    private final Counter dropped;
    private volatile boolean running;
    private volatile Thread thread;

    PushSender(OutboxStore outbox, Pushers pushers, Notifications notifications, GatewayClient gateway,
               PushProperties props, MeterRegistry meters) {
        this.outbox = outbox;
        this.pushers = pushers;
        this.notifications = notifications;
        this.gateway = gateway;
        this.props = props;
        this.inFlight = new Semaphore(props.concurrentRequests());
        this.sent = meters.counter("bollwerk.push.sent");
        this.failed = meters.counter("bollwerk.push.failed");
        this.dropped = meters.counter("bollwerk.push.dropped");
        Gauge.builder("bollwerk.push.backlog", outbox, OutboxStore::backlog)
                .description("pushes waiting to be delivered").register(meters);
    }

    /** New rows are due now. */
    void wake() {
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    private void loop() {
        while (running) {
            try {
                long now = System.currentTimeMillis();
                // A claim outlives the request's timeout, so it never expires while the request still runs.
                long claimUntil = now + 2 * props.requestTimeout().toMillis() + 10_000;
                List<OutboxStore.Push> due = outbox.claimDue(process, now, claimUntil, props.concurrentRequests() * 2);
                for (OutboxStore.Push push : due) {
                    inFlight.acquireUninterruptibly();
                    Thread.ofVirtual().name("bollwerk-push-" + push.id()).start(() -> {
                        try {
                            deliver(push);
                        } catch (RuntimeException e) {
                            log.warn("Push {} failed: {}", push.id(), e.toString());
                        } finally {
                            inFlight.release();
                        }
                    });
                }
                if (due.isEmpty()) LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
            } catch (RuntimeException e) {
                log.warn("Push delivery loop: {}", e.toString());
                LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
            }
        }
    }

    void deliver(OutboxStore.Push push) {
        Optional<Pushers.HttpPusher> pusher = pushers.httpPusher(push.userId(), push.appId(), push.pushkey());
        if (pusher.isEmpty()) {  // removed since (device deleted, user signed out or locked): nothing to send
            outbox.delete(push.id());
            return;
        }
        if (!props.allows(pusher.get().url())) {  // the allow-list changed since the pusher was set
            log.warn("Not pushing to {}: not in bollwerk.push.allowed-gateways", pusher.get().url());
            dropped.increment();
            outbox.delete(push.id());
            return;
        }
        GatewayClient.Answer answer = gateway.post(pusher.get().url(), body(push, pusher.get()));
        if (answer.delivered()) {
            sent.increment();
            outbox.delete(push.id());
            if (answer.rejected().contains(push.pushkey())) {
                log.info("Gateway rejected a pushkey of {} (app {}): pusher removed", push.userId(), push.appId());
                pushers.removeRejected(push.userId(), push.appId(), push.pushkey());
            }
            return;
        }
        failed.increment();
        long now = System.currentTimeMillis();
        if (answer.refused() || now - push.createdAt() >= props.retryFor().toMillis()) {
            log.warn("Dropping push {} to {} after {} attempts (last answer {})", push.id(), pusher.get().url(),
                    push.attempts() + 1, answer.status() < 0 ? "unreachable" : "HTTP " + answer.status());
            dropped.increment();
            outbox.delete(push.id());
            return;
        }
        int attempts = push.attempts() + 1;
        long delay = Math.min(Duration.ofMinutes(5).toMillis(), 1000L << Math.min(attempts - 1, 20));
        outbox.retryAt(push.id(), now + delay, attempts);
    }

    /**
     * The spec's notification in its {@code event_id_only} form: IDs, counts and priority, never content,
     * the sender's or the room's name. Tenant policy for fuller previews does not exist yet (docs/push.md).
     */
    ObjectNode body(OutboxStore.Push push, Pushers.HttpPusher pusher) {
        ObjectNode notification = Json.MAPPER.createObjectNode();
        notification.put("event_id", push.eventId());
        notification.put("room_id", push.roomId());
        boolean urgent = push.highlight() || push.sound() != null || "m.room.encrypted".equals(push.eventType());
        notification.put("prio", urgent ? "high" : "low");
        notification.putObject("counts").put("unread", notifications.totalUnread(push.userId()));
        ObjectNode device = notification.putArray("devices").addObject();
        device.put("app_id", pusher.appId());
        device.put("pushkey", pusher.pushkey());
        device.put("pushkey_ts", pusher.pushkeyTs());
        device.set("data", pusher.data());
        ObjectNode tweaks = device.putObject("tweaks");
        if (push.sound() != null) tweaks.put("sound", push.sound());
        if (push.highlight()) tweaks.put("highlight", true);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("notification", notification);
        return body;
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofVirtual().name("bollwerk-push-sender").start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        wake();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}

package org.bollwerk.push;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.bollwerk.cluster.JobLease;
import org.bollwerk.matrix.auth.PowerLevels;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.matrix.push.PushContext;
import org.bollwerk.matrix.push.PushResult;
import org.bollwerk.room.RoomReader;
import org.bollwerk.room.StoredEvent;
import org.bollwerk.storage.Db;
import org.bollwerk.storage.StreamNotifier;
import org.bollwerk.storage.WakeKey;
import org.bollwerk.userdata.Pushers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Evaluates every new event for each receiving member after its commit, never on the writer thread or in the
 * sender's request. The durable record is a cursor ({@code push_cursor}): events up to it are done; the rows
 * an evaluated batch produces (notifications and pushes to send) commit together with the cursor's move, so a
 * crash neither skips an event nor pushes one twice. One node evaluates at a time (a job lease), and the
 * cursor only moves from where this node last saw it, so a node that lost its lease unnoticed cannot record
 * a batch twice. Positions commit in order (ADR 0001), so no event can appear later below the cursor.
 */
@Component
class PushEvaluator implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(PushEvaluator.class);
    static final int BATCH = 200;
    private static final Duration LEASE_TTL = Duration.ofSeconds(30);
    private static final long HOLD_LEASE_NANOS = Duration.ofSeconds(60).toNanos();
    private static final long LEASE_CHECK_NANOS = Duration.ofSeconds(1).toNanos();

    private final Db db;
    private final StreamNotifier notifier;
    private final JobLease lease;
    private final RoomReader rooms;
    private final NotificationStore store;
    private final PushRuleCache rules;
    private final Pushers pushers;
    private final OutboxStore outbox;
    private final PushSender sender;
    private final Timer evaluation;
    private volatile boolean running;
    private volatile Thread thread;
    private long cursor = -1;
    private long savedCursor;  // the cursor as this node last read or wrote it in the database
    private long cursorSavedAt;

    PushEvaluator(Db db, StreamNotifier notifier, JobLease lease, RoomReader rooms, NotificationStore store,
                  PushRuleCache rules, Pushers pushers, OutboxStore outbox, PushSender sender, MeterRegistry meters) {
        this.evaluation = Timer.builder("bollwerk.push.evaluation")
                .description("evaluating one batch of new events for every receiver, reads included").register(meters);
        this.db = db;
        this.notifier = notifier;
        this.lease = lease;
        this.rooms = rooms;
        this.store = store;
        this.rules = rules;
        this.pushers = pushers;
        this.outbox = outbox;
        this.sender = sender;
    }

    private void loop() {
        while (running) {
            try {
                boolean ran = lease.runExclusively("push-evaluate", LEASE_TTL, this::drainForAWhile);
                if (!ran) LockSupport.parkNanos(Duration.ofSeconds(5).toNanos());
            } catch (RuntimeException e) {
                cursor = -1;  // read it again: the failed batch is evaluated once more (or by the node that has it)
                log.warn("Push evaluation failed, retrying: {}", e.toString());
                LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
            }
        }
    }

    /** Holds the lease a minute at a time, so that a quiet node does not write a lease row every poll. */
    private void drainForAWhile() {
        if (cursor < 0) {
            cursor = store.cursor().orElseGet(this::startHere);
            savedCursor = cursor;
        }
        long until = System.nanoTime() + HOLD_LEASE_NANOS;
        long nextLeaseCheck = System.nanoTime() + LEASE_CHECK_NANOS;
        while (running && System.nanoTime() < until) {
            if (!step()) LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            if (System.nanoTime() > nextLeaseCheck) {
                if (!lease.heldHere("push-evaluate")) return;  // taken over (an expired renewal): let the holder work
                nextLeaseCheck = System.nanoTime() + LEASE_CHECK_NANOS;
            }
        }
    }

    /** The first start evaluates from now on: history is not notified. */
    private long startHere() {
        long now = notifier.current();
        db.write(() -> store.setCursor(now));
        return now;
    }

    /** Evaluates the next batch of committed events; false when there was nothing new. */
    boolean step() {
        long upTo = notifier.current();
        if (upTo <= cursor) return false;
        List<StoredEvent> events = rooms.eventsAfter(cursor, upTo, BATCH);
        long next = events.size() == BATCH ? events.getLast().streamOrdering() : upTo;
        if (events.isEmpty()) {  // positions of other streams: nothing to evaluate, nothing to record
            cursor = next;
            return true;
        }
        List<NotificationStore.Notification> rows = new ArrayList<>();
        List<OutboxStore.Push> pushes = new ArrayList<>();
        List<String> redacted = redactedBy(events);
        long started = System.nanoTime();
        evaluate(events, rows, pushes);
        evaluation.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        long now = System.currentTimeMillis();
        if (!rows.isEmpty() || !redacted.isEmpty() || now - cursorSavedAt > 1000) {
            Set<String> users = new LinkedHashSet<>();
            rows.forEach(r -> users.add(r.userId()));
            db.write(() -> {
                if (!rows.isEmpty()) store.insert(rows, db.nextPosition());
                store.deleteForEvents(redacted);
                outbox.insert(pushes, now);
                if (!store.moveCursor(savedCursor, next)) {
                    throw new IllegalStateException("the push cursor moved elsewhere (another node evaluates now)");
                }
                for (String user : users) db.wakeAfterCommit(WakeKey.user(user));
            });
            savedCursor = next;
            cursorSavedAt = now;
            if (!pushes.isEmpty()) sender.wake();
        }
        cursor = next;
        return true;
    }

    /** The events the batch's redactions remove (room version 11 names them in the content, older at the top). */
    private static List<String> redactedBy(List<StoredEvent> events) {
        List<String> ids = new ArrayList<>();
        for (StoredEvent event : events) {
            if (!"m.room.redaction".equals(event.type())) continue;
            String target = event.content().path("redacts").asString(null);
            if (target == null) target = event.pdu().path("redacts").asString(null);
            if (target != null) ids.add(target);
        }
        return ids;
    }

    private record RoomView(Map<String, StoredEvent> members, PowerLevels levels) {
    }

    private void evaluate(List<StoredEvent> events, List<NotificationStore.Notification> rows,
                          List<OutboxStore.Push> pushes) {
        Map<String, RoomView> views = new HashMap<>();
        Map<String, List<Pushers.HttpPusher>> pushersByUser = null;
        List<NotificationStore.Notification> found = new ArrayList<>();
        for (StoredEvent event : events) {
            if (event.redactedBy() != null) continue;
            RoomView view = views.computeIfAbsent(event.roomId(), this::view);
            if (event.isState()) views.remove(event.roomId());  // later events of the batch see the new state
            long senderLevel = level(view.levels(), event.sender());
            int memberCount = view.members().size();
            List<String> recipients = new ArrayList<>(view.members().keySet());
            if ("invite".equals(event.membership()) && !view.members().containsKey(event.stateKey())) {
                recipients.add(event.stateKey());  // invite_for_me: the invitee is not joined yet
            }
            String thread = threadOf(event);
            for (String user : recipients) {
                if (user.equals(event.sender())) continue;
                StoredEvent member = view.members().get(user);
                String displayName = member == null ? null : member.content().path("displayname").asString(null);
                PushContext context = new PushContext(displayName, memberCount, senderLevel,
                        view.levels()::notifications);
                PushResult result = rules.rules(user).evaluate(event.pdu(), context);
                if (!result.notifies()) continue;
                found.add(new NotificationStore.Notification(user, event.roomId(), event.eventId(),
                        event.streamOrdering(), thread, result.highlight(), result.actions(), event.originServerTs()));
            }
        }
        if (found.isEmpty()) return;
        rows.addAll(found);
        Set<String> users = new LinkedHashSet<>();
        found.forEach(n -> users.add(n.userId()));
        pushersByUser = new HashMap<>();
        for (Pushers.HttpPusher p : pushers.httpPushers(users)) {
            pushersByUser.computeIfAbsent(p.userId(), u -> new ArrayList<>()).add(p);
        }
        Map<String, StoredEvent> byId = new HashMap<>();
        events.forEach(e -> byId.put(e.eventId(), e));
        for (NotificationStore.Notification n : found) {
            for (Pushers.HttpPusher p : pushersByUser.getOrDefault(n.userId(), List.of())) {
                if (n.ts() < p.createdAt()) continue;  // older than the pusher: the app did not ask for it
                pushes.add(new OutboxStore.Push(0, n.userId(), p.appId(), p.pushkey(), n.roomId(), n.eventId(),
                        byId.get(n.eventId()).type(), n.highlight(), sound(n), 0, 0));
            }
        }
    }

    private RoomView view(String roomId) {
        Map<String, StoredEvent> members = rooms.joinedMembers(roomId);
        PowerLevels levels;
        try {
            levels = rooms.currentState(roomId, "m.room.power_levels", "")
                    .map(e -> PowerLevels.fromContent(e.content()))
                    .orElseGet(() -> PowerLevels.withoutEvent(UserId.parse(rooms.currentState(roomId, "m.room.create", "")
                            .map(StoredEvent::sender).orElseThrow())));
        } catch (RuntimeException e) {
            levels = PowerLevels.withoutEvent(UserId.parse("@nobody:invalid"));
        }
        return new RoomView(members, levels);
    }

    private static long level(PowerLevels levels, String user) {
        try {
            return levels.userLevel(UserId.parse(user));
        } catch (RuntimeException e) {
            return levels.usersDefault();
        }
    }

    /** {@code main}, or the root of the thread the event is in ({@code m.thread} relation). */
    static String threadOf(StoredEvent event) {
        ObjectNode relation = event.content().path("m.relates_to") instanceof ObjectNode o ? o : null;
        if (relation != null && "m.thread".equals(relation.path("rel_type").asString(""))
                && relation.path("event_id").isString()) {
            return relation.path("event_id").asString();
        }
        return NotificationStore.MAIN;
    }

    private static String sound(NotificationStore.Notification n) {
        for (var action : n.actions()) {
            if ("sound".equals(action.path("set_tweak").asString(""))) return action.path("value").asString(null);
        }
        return null;
    }

    @Override
    public void start() {
        running = true;
        cursor = -1;
        thread = Thread.ofVirtual().name("bollwerk-push-evaluator").start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}

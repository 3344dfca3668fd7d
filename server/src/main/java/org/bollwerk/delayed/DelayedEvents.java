package org.bollwerk.delayed;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.room.RoomReader;
import org.bollwerk.room.RoomService;
import org.bollwerk.storage.Db;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.node.ObjectNode;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Schedules, restarts, cancels and sends delayed events (MSC4140). An event is authorised only when it is
 * sent — as its owner, from the device that scheduled it — so a user who left the room in between gets a
 * failed delayed event (recorded with the error), not an event in a room they are no longer in.
 */
@Service
public class DelayedEvents {
    private static final Logger log = LoggerFactory.getLogger(DelayedEvents.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The unstable error fields that matrix-js-sdk (MatrixRTC) and Synapse use while the MSC is open. */
    static final String UNSTABLE_ERRCODE = "org.matrix.msc4140.errcode";
    static final String UNSTABLE_MAX_DELAY = "org.matrix.msc4140.max_delay";

    /** Due events sent per round of the timer. */
    static final int BATCH = 100;

    enum Action { CANCEL, RESTART, SEND }

    private final Db db;
    private final DelayedEventStore store;
    private final RoomService rooms;
    private final RoomReader reader;
    private final DelayedEventsProperties props;
    private final int maxEventBytes;

    DelayedEvents(Db db, DelayedEventStore store, RoomService rooms, RoomReader reader, DelayedEventsProperties props,
                  org.bollwerk.config.BollwerkProperties server) {
        this.maxEventBytes = server.limits().maxEventBytes();
        this.db = db;
        this.store = store;
        this.rooms = rooms;
        this.reader = reader;
        this.props = props;
    }

    /**
     * Schedules an event; {@code stateKey} null for a message event. Repeating the same transaction ID (same
     * user and device) answers the first delay ID. Only in rooms the requester is joined to now (the same answer
     * for rooms that do not exist, so nothing about other rooms is revealed).
     */
    String schedule(Requester requester, String roomId, String type, String stateKey, String txnId, ObjectNode content,
                    long delayMs) {
        if (type == null || type.isEmpty() || type.length() > 255) throw MatrixException.invalidParam("Invalid event type");
        if (stateKey != null && stateKey.length() > 255) throw MatrixException.invalidParam("state_key is too long");
        if (delayMs <= 0) throw MatrixException.invalidParam("The delay must be a positive number of milliseconds");
        long max = props.maxDelay().toMillis();
        if (delayMs > max) {
            // The unstable shape clients check today (errcode M_UNKNOWN plus the prefixed fields), and the
            // stable max_delay beside it.
            throw new MatrixException(ErrCode.M_UNKNOWN, 400, "The requested delay exceeds the allowed maximum.",
                    Map.of(UNSTABLE_ERRCODE, "M_MAX_DELAY_EXCEEDED", UNSTABLE_MAX_DELAY, max, "max_delay", max));
        }
        // Content that could never be sent is refused now, not stored for later (the event's other fields add
        // a little, so the room checks the whole event again when it is sent).
        org.bollwerk.matrix.json.CanonicalJson.validateEventContent(content);
        if (Json.write(content).getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxEventBytes) {
            throw new MatrixException(ErrCode.M_TOO_LARGE, "Event is larger than " + maxEventBytes + " bytes");
        }
        if (txnId != null) {
            var earlier = store.delayIdForTxn(requester.userId(), requester.deviceId(), txnId);
            if (earlier.isPresent()) return earlier.get();
        }
        if (!"join".equals(reader.membership(roomId, requester.userId()).orElse(null))) {
            throw MatrixException.forbidden("You are not in this room");
        }
        long now = System.currentTimeMillis();
        String delayId = newDelayId();
        return db.write(() -> {
            if (txnId != null) {
                var earlier = store.delayIdForTxn(requester.userId(), requester.deviceId(), txnId);
                if (earlier.isPresent()) return earlier.get();
            }
            if (store.scheduledCount(requester.userId()) >= props.maxPerUser()) {
                long retryMs = Math.max(1000, store.nextSendAt(requester.userId()).orElse(now) - now);
                throw new MatrixException(ErrCode.M_LIMIT_EXCEEDED, 429,
                        "The maximum number of delayed events has been reached.", Map.of("retry_after_ms", retryMs));
            }
            store.pruneFinalised(requester.userId(), now - props.keepFinalised().toMillis());
            store.insert(new DelayedEvent(delayId, requester.userId(), requester.deviceId(), requester.tenantId(), roomId,
                    type, stateKey, content, delayMs, now, now + delayMs, DelayedEvent.Status.SCHEDULED, null, null, null, null),
                    txnId);
            return delayId;
        });
    }

    /** The owner of a delayed event, as a requester (for the rate limit of the management endpoints). */
    Requester owner(String delayId) {
        DelayedEvent event = store.find(delayId).orElseThrow(DelayedEvents::unknown);
        return new Requester(event.userId(), event.deviceId(), event.tenantId(), false, null);
    }

    /**
     * Acts on a delayed event by its ID, which works as a capability (the MSC's management endpoints are
     * unauthenticated so a call service may hold it). Repeating an action that already happened succeeds;
     * one that contradicts how the event ended answers 409.
     */
    void act(String delayId, Action action) {
        DelayedEvent event = store.find(delayId).orElseThrow(DelayedEvents::unknown);
        DelayedEvent.Status status = event.status();
        switch (action) {
            case CANCEL -> {
                if (status == DelayedEvent.Status.SENT) throw conflict("The delayed event was sent already");
                if (status == DelayedEvent.Status.SCHEDULED) {
                    db.write(() -> store.finalise(delayId, DelayedEvent.Status.CANCELLED, DelayedEvent.BY_ACTION,
                            System.currentTimeMillis(), null));
                }
            }
            case RESTART -> {
                if (status != DelayedEvent.Status.SCHEDULED
                        || !db.write(() -> store.restart(delayId, System.currentTimeMillis()))) {
                    throw conflict("The delayed event is no longer scheduled");
                }
            }
            case SEND -> {
                if (status == DelayedEvent.Status.CANCELLED || status == DelayedEvent.Status.FAILED) {
                    throw conflict("The delayed event was cancelled");
                }
                if (status == DelayedEvent.Status.SCHEDULED) send(delayId, false);
            }
        }
    }

    /**
     * The requester's own delayed events; {@code status} "scheduled", "finalised" or null for both, narrowed to
     * {@code delayIds} when any are given. The body carries the list in the MSC's current shape
     * ({@code delayed_events}) and in the one matrix-js-sdk reads ({@code scheduled}, and {@code finalised}
     * with {@code outcome} and {@code reason}).
     */
    Map<String, Object> list(Requester requester, String status, String roomId, String type, List<String> delayIds) {
        Boolean scheduled = switch (status == null ? "" : status) {
            case "" -> null;
            case "scheduled" -> true;
            case "finalised" -> false;
            default -> throw MatrixException.invalidParam("status must be scheduled or finalised");
        };
        List<DelayedEvent> events = store.ofUser(requester.userId(), scheduled).stream()
                .filter(e -> roomId == null || e.roomId().equals(roomId))
                .filter(e -> type == null || e.type().equals(type))
                .filter(e -> delayIds == null || delayIds.isEmpty() || delayIds.contains(e.delayId()))
                .toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("delayed_events", events.stream().map(DelayedEvents::describe).toList());
        body.put("scheduled", events.stream().filter(e -> e.status() == DelayedEvent.Status.SCHEDULED)
                .map(DelayedEvents::describe).toList());
        body.put("finalised", events.stream().filter(e -> e.status() != DelayedEvent.Status.SCHEDULED)
                .map(DelayedEvents::finalised).toList());
        return body;
    }

    private static Map<String, Object> finalised(DelayedEvent e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("delayed_event", describe(e));
        body.put("outcome", e.status() == DelayedEvent.Status.SENT ? "send" : "cancel");
        body.put("reason", e.finalisedBy() == null ? DelayedEvent.BY_ACTION : e.finalisedBy());
        if (e.error() != null) body.put("error", Json.MAPPER.readTree(e.error()));
        if (e.eventId() != null) body.put("event_id", e.eventId());
        if (e.finalisedTs() != null) body.put("origin_server_ts", e.finalisedTs());
        return body;
    }

    Map<String, Object> get(Requester requester, String delayId) {
        return store.find(delayId).filter(e -> e.userId().equals(requester.userId()))
                .map(DelayedEvents::describe).orElseThrow(DelayedEvents::unknown);
    }

    /** Sends the due delayed events (called by every node's timer; each event is sent by one of them). */
    int sendDue() {
        List<String> due = store.due(System.currentTimeMillis(), BATCH);
        for (String delayId : due) {
            try {
                send(delayId, true);
            } catch (RuntimeException e) {
                log.warn("Delayed event {} could not be sent yet, will retry: {}", delayId, e.toString());
            }
        }
        return due.size();
    }

    /**
     * Sends one delayed event in one write: the claim (scheduled → sent) and the room event commit together,
     * so it is sent once, even when two nodes try at the same moment. When the room refuses it (e.g. the owner
     * left), the timer records the failure; an explicit send answers the error and keeps the event scheduled.
     */
    private void send(String delayId, boolean byTimer) {
        try {
            db.write(() -> {
                DelayedEvent e = store.find(delayId).orElse(null);
                if (e == null || e.status() != DelayedEvent.Status.SCHEDULED) return;
                String by = byTimer ? DelayedEvent.BY_DELAY : DelayedEvent.BY_ACTION;
                if (!store.finalise(delayId, DelayedEvent.Status.SENT, by, System.currentTimeMillis(), null)) return;
                Requester owner = new Requester(e.userId(), e.deviceId(), e.tenantId(), false, null);
                String eventId = e.stateKey() == null
                        ? rooms.send(owner, e.roomId(), e.type(), "org.matrix.msc4140." + delayId, e.content())
                        : rooms.putState(owner, e.roomId(), e.type(), e.stateKey(), e.content());
                store.setEventId(delayId, eventId);
            });
        } catch (MatrixException refused) {
            if (!byTimer) throw refused;
            String error = Json.write(Json.MAPPER.valueToTree(refused.body()));
            db.write(() -> store.finalise(delayId, DelayedEvent.Status.FAILED, DelayedEvent.BY_ERROR,
                    System.currentTimeMillis(), error));
            log.info("Delayed event {} was not sent: {}", delayId, refused.errCode());
        }
    }

    private static Map<String, Object> describe(DelayedEvent e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("delay_id", e.delayId());
        body.put("room_id", e.roomId());
        body.put("type", e.type());
        if (e.stateKey() != null) body.put("state_key", e.stateKey());
        body.put("delay", e.delayMs());
        body.put("running_since", e.runningSince());
        body.put("content", e.content());
        if (e.error() != null) body.put("error", Json.MAPPER.readTree(e.error()));
        if (e.eventId() != null) body.put("event_id", e.eventId());
        if (e.finalisedTs() != null) body.put("origin_server_ts", e.finalisedTs());
        return body;
    }

    private static String newDelayId() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static MatrixException unknown() {
        return MatrixException.notFound("No such delayed event");
    }

    private static MatrixException conflict(String message) {
        return new MatrixException(ErrCode.M_UNKNOWN, 409, message, Map.of());
    }
}

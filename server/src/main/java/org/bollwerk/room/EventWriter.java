package org.bollwerk.room;

import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.auth.AuthRules;
import org.bollwerk.matrix.auth.AuthState;
import org.bollwerk.matrix.event.EventHashes;
import org.bollwerk.matrix.event.EventIds;
import org.bollwerk.matrix.event.Redaction;
import org.bollwerk.matrix.RoomVersion;
import org.bollwerk.matrix.json.CanonicalJson;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.bollwerk.storage.WakeKey;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

/**
 * Turns a request into a stored event: authorises it against the room's current state, builds the
 * room-version 10/11 PDU (prev/auth events, depth, content hash, signature, reference-hash event ID)
 * and stores it at the next stream position — all in one write transaction.
 */
@Component
class EventWriter {
    /** Events appended by the writer, of every kind (messages, state, membership); no room or user labels. */
    private static final io.micrometer.core.instrument.Counter WRITTEN = io.micrometer.core.instrument.Counter
            .builder("bollwerk.events.written").description("Events written (appended to a room)")
            .register(io.micrometer.core.instrument.Metrics.globalRegistry);
    private final Db db;
    private final EventStore store;
    private final ServerSigningKey signingKey;
    private final int maxEventBytes;
    private final org.springframework.context.ApplicationEventPublisher events;

    EventWriter(Db db, EventStore store, ServerSigningKey signingKey, BollwerkProperties props,
                org.springframework.context.ApplicationEventPublisher events) {
        this.events = events;
        this.db = db;
        this.store = store;
        this.signingKey = signingKey;
        this.maxEventBytes = props.limits().maxEventBytes();
    }

    /** What to write; {@code stateKey} null for a message event. */
    record Draft(String roomId, String type, String stateKey, String sender, ObjectNode content,
                 String txnDevice, String txnId) {
        static Draft state(String roomId, String type, String stateKey, String sender, ObjectNode content) {
            return new Draft(roomId, type, stateKey, sender, content, null, null);
        }
    }

    /** Writes the event; must run inside {@link Db#write}. Returns the stored event. */
    StoredEvent append(Draft draft, RoomVersion version) {
        return append(draft, version, null, false);
    }

    /** A redaction; room version 10 names its target in the top-level {@code redacts}. */
    StoredEvent appendRedaction(Draft draft, RoomVersion version, String redacts, boolean redactsOwnEvent) {
        return append(draft, version, redacts, redactsOwnEvent);
    }

    private StoredEvent append(Draft draft, RoomVersion version, String redacts, boolean redactsOwnEvent) {
        CanonicalJson.validateEventContent(draft.content());
        long position = db.nextPosition();  // taken first: serialises writers, so the state read below is current
        long now = System.currentTimeMillis();

        StoredEvent create = store.currentState(draft.roomId(), "m.room.create", "").orElse(null);
        boolean isCreate = "m.room.create".equals(draft.type()) && "".equals(draft.stateKey());
        if (create == null && !isCreate) throw MatrixException.notFound("Unknown room");

        ObjectNode pdu = Json.MAPPER.createObjectNode();
        ArrayNode authEvents = pdu.putArray("auth_events");
        pdu.set("content", draft.content());
        ArrayNode prevEvents = pdu.putArray("prev_events");
        long depth = 1;
        EventStore.Latest latest = store.latest(draft.roomId()).orElse(null);
        if (latest != null) {
            prevEvents.add(latest.eventId());
            depth = latest.depth() + 1;
        }
        pdu.put("depth", depth);
        pdu.put("origin_server_ts", now);
        pdu.put("room_id", draft.roomId());
        pdu.put("sender", draft.sender());
        if (draft.stateKey() != null) pdu.put("state_key", draft.stateKey());
        pdu.put("type", draft.type());
        if (redacts != null && version == RoomVersion.V10) pdu.put("redacts", redacts);

        AuthState authState = authState(draft, create, authEvents, redactsOwnEvent);
        AuthRules.check(pdu, authState);

        EventHashes.addContentHash(pdu);
        signingKey.sign(pdu, version);
        String eventId = EventIds.referenceId(pdu, version);

        StoredEvent previous = draft.stateKey() == null ? null
                : store.currentState(draft.roomId(), draft.type(), draft.stateKey()).orElse(null);
        ObjectNode unsigned = pdu.putObject("unsigned");
        if (previous != null) {
            unsigned.set("prev_content", previous.content());
            unsigned.put("prev_sender", previous.sender());
            unsigned.put("replaces_state", previous.eventId());
        }
        byte[] json = Json.write(pdu).getBytes(StandardCharsets.UTF_8);  // serialised once: checked, then stored
        if (json.length > maxEventBytes) {
            throw new MatrixException(ErrCode.M_TOO_LARGE, "Event is larger than " + maxEventBytes + " bytes");
        }

        // Plain replies (m.in_reply_to) are not relations in the spec's sense: only event_id + rel_type count.
        JsonNode relatesTo = draft.content().path("m.relates_to");
        String relTarget = relatesTo.path("event_id").isString() ? relatesTo.path("event_id").asString() : null;
        String relType = relatesTo.path("rel_type").isString() ? relatesTo.path("rel_type").asString() : null;
        StoredEvent stored = new StoredEvent(position, eventId, draft.roomId(), draft.type(), draft.stateKey(),
                draft.sender(), now, null, draft.txnDevice(), draft.txnId(), pdu);
        store.insertEvent(stored, json, relTarget, relType, depth);
        WRITTEN.increment();
        java.util.Set<String> media = mediaUris(draft.content());
        if (!media.isEmpty()) events.publishEvent(new MediaReferenced(draft.roomId(), draft.sender(), media));
        if (relTarget != null && relType != null) {
            JsonNode key = relatesTo.path("key");
            events.publishEvent(new RelationWritten(draft.roomId(), eventId, draft.sender(), relType, relTarget,
                    key.isString() ? key.asString() : null, now));
        }
        if (draft.stateKey() != null) {
            store.setCurrentState(draft.roomId(), draft.type(), draft.stateKey(), eventId, position);
            if ("m.room.member".equals(draft.type())) {
                store.setMembership(draft.roomId(), draft.stateKey(), stored.membership(), eventId, position);
                db.wakeAfterCommit(WakeKey.user(draft.stateKey()));
            }
        }
        db.wakeAfterCommit(WakeKey.room(draft.roomId()));
        return stored;
    }

    private static java.util.Set<String> mediaUris(ObjectNode content) {
        java.util.Set<String> uris = new java.util.LinkedHashSet<>();
        for (JsonNode candidate : new JsonNode[]{content.path("url"), content.path("info").path("thumbnail_url"),
                content.path("file").path("url"), content.path("avatar_url")}) {
            if (candidate.isString() && candidate.asString().startsWith("mxc://")) uris.add(candidate.asString());
        }
        return uris;
    }

    /** Collects the auth events the rules need, and lists them in the PDU's auth_events. */
    private AuthState authState(Draft draft, StoredEvent create, ArrayNode authEvents, boolean redactsOwnEvent) {
        if (create == null) return AuthState.empty();
        StoredEvent powerLevels = store.currentState(draft.roomId(), "m.room.power_levels", "").orElse(null);
        StoredEvent joinRules = store.currentState(draft.roomId(), "m.room.join_rules", "").orElse(null);
        StoredEvent senderMember = store.currentState(draft.roomId(), "m.room.member", draft.sender()).orElse(null);
        boolean isMember = "m.room.member".equals(draft.type());
        StoredEvent targetMember = isMember && draft.stateKey() != null
                ? store.currentState(draft.roomId(), "m.room.member", draft.stateKey()).orElse(null) : null;
        authEvents.add(create.eventId());
        if (powerLevels != null) authEvents.add(powerLevels.eventId());
        if (senderMember != null) authEvents.add(senderMember.eventId());
        if (isMember) {
            if (targetMember != null && !targetMember.eventId().equals(senderMember == null ? null : senderMember.eventId())) {
                authEvents.add(targetMember.eventId());
            }
            if (joinRules != null) authEvents.add(joinRules.eventId());
        }
        return new AuthState(create.pdu(), content(powerLevels), content(joinRules), content(senderMember),
                isMember ? content(targetMember) : null, redactsOwnEvent);
    }

    private static ObjectNode content(StoredEvent event) {
        return event == null ? null : event.content();
    }

    /** Prunes a stored event in place after a redaction was accepted. */
    void applyRedaction(StoredEvent target, String redactionId, RoomVersion version) {
        ObjectNode pruned = Redaction.redact(target.pdu(), version);
        ObjectNode unsigned = pruned.putObject("unsigned");
        unsigned.put("redacted_by", redactionId);
        store.markRedacted(target.eventId(), target.roomId(), redactionId, pruned);
    }
}

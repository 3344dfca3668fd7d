package org.bollwerk.room;

import org.bollwerk.matrix.auth.Membership;
import org.bollwerk.account.Requester;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.RoomVersion;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.bollwerk.tenant.TenantIsolation;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import tools.jackson.databind.node.ObjectNode;

import java.util.Optional;

/** Writes to rooms: membership changes, messages, state and redactions. */
@Service
public class RoomService {
    /** Message sends by clients (not repeated transaction IDs); no room or user labels. */
    private static final io.micrometer.core.instrument.Counter SENDS = io.micrometer.core.instrument.Counter
            .builder("bollwerk.sends").description("Events sent by clients through the send endpoint")
            .register(io.micrometer.core.instrument.Metrics.globalRegistry);
    private final Db db;
    private final EventStore store;
    private final EventWriter writer;
    private final ObjectProvider<MemberProfileSource> profiles;
    private final TenantIsolation isolation;

    RoomService(Db db, EventStore store, EventWriter writer, ObjectProvider<MemberProfileSource> profiles,
                TenantIsolation isolation) {
        this.db = db;
        this.store = store;
        this.writer = writer;
        this.profiles = profiles;
        this.isolation = isolation;
    }

    RoomVersion version(String roomId) {
        return store.room(roomId).map(r -> RoomVersion.fromId(r.roomVersion()))
                .orElseThrow(() -> MatrixException.notFound("Unknown room " + roomId));
    }

    /** Sends a message event, idempotent per (user, device, txnId). Returns the event ID. */
    public String send(Requester requester, String roomId, String type, String txnId, ObjectNode content) {
        validateType(type);
        Optional<String> earlier = store.eventIdForTxn(requester.userId(), requester.deviceId(), txnId);
        if (earlier.isPresent()) return earlier.get();
        SENDS.increment();
        try {
            return db.write(() -> {
                Optional<String> again = store.eventIdForTxn(requester.userId(), requester.deviceId(), txnId);
                if (again.isPresent()) return again.get();
                RoomVersion version = version(roomId);
                return writer.append(new EventWriter.Draft(roomId, type, null, requester.userId(), content,
                        requester.deviceId(), txnId), version).eventId();
            });
        } catch (org.springframework.dao.DuplicateKeyException race) {
            // The same transaction ID committed concurrently on another connection or node.
            return store.eventIdForTxn(requester.userId(), requester.deviceId(), txnId).orElseThrow(() -> race);
        }
    }

    /** Sets a state event. Membership must go through the membership endpoints. */
    public String putState(Requester requester, String roomId, String type, String stateKey, ObjectNode content) {
        validateType(type);
        if (stateKey.length() > 255) throw MatrixException.invalidParam("state_key is too long");
        if ("m.room.member".equals(type)) {
            throw MatrixException.forbidden("Use the membership endpoints to change membership");
        }
        if ("m.room.create".equals(type)) throw MatrixException.forbidden("The create event cannot be replaced");
        if ("m.room.canonical_alias".equals(type)) validateCanonicalAlias(roomId, content);
        return db.write(() -> {
            RoomVersion version = version(roomId);
            StoredEvent current = store.currentState(roomId, type, stateKey).orElse(null);
            // Re-sending identical state is a no-op that returns the existing event, as Synapse does.
            if (current != null && current.content().equals(content) && current.sender().equals(requester.userId())) {
                return current.eventId();
            }
            return writer.append(EventWriter.Draft.state(roomId, type, stateKey, requester.userId(), content), version)
                    .eventId();
        });
    }

    void validateCanonicalAlias(String roomId, ObjectNode content) {
        java.util.List<String> aliases = new java.util.ArrayList<>();
        if (content.path("alias").isString()) aliases.add(content.path("alias").asString());
        content.path("alt_aliases").forEach(a -> aliases.add(a.asString("")));
        for (String alias : aliases) {
            if (!store.roomOfAlias(alias).map(roomId::equals).orElse(false)) {
                throw new MatrixException(ErrCode.M_BAD_ALIAS, "Alias " + alias + " does not point to this room");
            }
        }
    }

    static void validateType(String type) {
        if (type == null || type.isEmpty() || type.length() > 255) throw MatrixException.invalidParam("Invalid event type");
    }

    // ---- membership

    /** Joins by room ID; alias resolution happens in the caller. */
    public String join(Requester requester, String roomId, String reason) {
        return db.write(() -> {
            EventStore.RoomRow room = store.room(roomId).orElseThrow(() -> MatrixException.notFound("Unknown room " + roomId));
            isolation.joinRoom(requester.userId(), roomId, room.tenantId())
                    .orElseThrow(() -> MatrixException.notFound("Unknown room " + roomId));
            if (store.membership(roomId, requester.userId()).orElse(null) == Membership.JOIN) {
                return roomId;  // already joined: joining again is a no-op
            }
            member(requester.userId(), roomId, requester.userId(), Membership.JOIN, reason, null);
            return roomId;
        });
    }

    /**
     * Knocks (asks to be let in) by room ID; alias resolution happens in the caller. Whom the policy would not
     * let join (another organisation that is no partner) gets the same answer as for an unknown room; whether
     * the room takes knocks at all is its join rule's business (the authorisation rules).
     */
    public String knock(Requester requester, String roomId, String reason) {
        return db.write(() -> {
            EventStore.RoomRow room = store.room(roomId).orElseThrow(() -> MatrixException.notFound("Unknown room " + roomId));
            isolation.joinRoom(requester.userId(), roomId, room.tenantId())
                    .orElseThrow(() -> MatrixException.notFound("Unknown room " + roomId));
            member(requester.userId(), roomId, requester.userId(), Membership.KNOCK, reason, null);
            return roomId;
        });
    }

    public void invite(Requester requester, String roomId, String target, String reason) {
        UserId.parse(target);
        db.write(() -> {
            EventStore.RoomRow room = existingRoom(roomId);
            requireMayChangeMembership(requester.userId(), room, target);
            member(requester.userId(), roomId, target, Membership.INVITE, reason, null);
        });
    }

    /**
     * Every membership change aimed at someone else (invite, kick, ban, unban) follows the invite rule of
     * {@link TenantIsolation}: a user of another tenant is reachable only when both the requester's tenant
     * and the room's tenant are that tenant or its partners — unless the user is in the room already
     * (joined or invited), where the change opens no new channel (e.g. removing someone after a partnership
     * ended). Decided by the target's domain, so existing and missing users are answered alike.
     */
    void requireMayChangeMembership(String requesterUserId, EventStore.RoomRow room, String target) {
        boolean sharesRoom = joinedOrInvited(store.membership(room.roomId(), target).orElse(null));
        isolation.changeMembership(requesterUserId, target, room.roomId(), room.tenantId(), sharesRoom)
                .orElseThrow(() -> MatrixException.forbidden(target + " belongs to another organisation"));
    }

    /** For createRoom: invitees are checked before the room exists (nobody shares it yet). */
    void requireMayInvite(String requesterUserId, String roomId, String roomTenant, String target) {
        isolation.changeMembership(requesterUserId, target, roomId, roomTenant, false)
                .orElseThrow(() -> MatrixException.forbidden(target + " belongs to another organisation"));
    }

    private EventStore.RoomRow existingRoom(String roomId) {
        return store.room(roomId).orElseThrow(() -> MatrixException.notFound("Unknown room " + roomId));
    }

    public void leave(Requester requester, String roomId, String reason) {
        db.write(() -> {
            version(roomId);
            Membership membership = store.membership(roomId, requester.userId()).orElse(null);
            if (membership == null || membership == Membership.LEAVE) {
                throw MatrixException.forbidden("You are not a member of this room");
            }
            member(requester.userId(), roomId, requester.userId(), Membership.LEAVE, reason, null);
        });
    }

    public void kick(Requester requester, String roomId, String target, String reason) {
        UserId.parse(target);
        db.write(() -> {
            requireMayChangeMembership(requester.userId(), existingRoom(roomId), target);
            Membership membership = store.membership(roomId, target).orElse(null);
            if (membership == null || membership == Membership.LEAVE || membership == Membership.BAN) {
                throw MatrixException.forbidden("The user is not a member of this room");
            }
            member(requester.userId(), roomId, target, Membership.LEAVE, reason, null);
        });
    }

    public void ban(Requester requester, String roomId, String target, String reason) {
        UserId.parse(target);
        db.write(() -> {
            requireMayChangeMembership(requester.userId(), existingRoom(roomId), target);
            member(requester.userId(), roomId, target, Membership.BAN, reason, null);
        });
    }

    public void unban(Requester requester, String roomId, String target, String reason) {
        UserId.parse(target);
        db.write(() -> {
            requireMayChangeMembership(requester.userId(), existingRoom(roomId), target);
            if (store.membership(roomId, target).orElse(null) != Membership.BAN) {
                throw MatrixException.forbidden("The user is not banned");
            }
            member(requester.userId(), roomId, target, Membership.LEAVE, reason, null);
        });
    }

    public void forget(Requester requester, String roomId) {
        db.write(() -> {
            Membership membership = store.membership(roomId, requester.userId()).orElse(null);
            if (membership == null) throw MatrixException.notFound("You have never been in this room");
            if (joinedOrInvited(membership)) {
                throw new MatrixException(ErrCode.M_UNKNOWN, 400, "Leave the room before forgetting it", java.util.Map.of());
            }
            store.forget(roomId, requester.userId());
        });
    }

    /** Writes one membership event; inside a write transaction. */
    StoredEvent member(String sender, String roomId, String target, Membership membership, String reason,
                       ObjectNode extra) {
        ObjectNode content = Json.MAPPER.createObjectNode();
        content.put("membership", membership.value());
        if (joinedOrInvited(membership) || membership == Membership.KNOCK) {  // a knock shows who asks
            MemberProfileSource source = profiles.getIfAvailable();
            Optional<MemberProfileSource.MemberProfile> profile = source == null ? Optional.empty() : source.profile(target);
            profile.map(MemberProfileSource.MemberProfile::displayName).ifPresent(n -> content.put("displayname", n));
            profile.map(MemberProfileSource.MemberProfile::avatarUrl).ifPresent(a -> content.put("avatar_url", a));
        }
        if (reason != null && !reason.isEmpty()) content.put("reason", reason);
        if (extra != null) extra.properties().forEach(e -> content.set(e.getKey(), e.getValue()));
        return writer.append(EventWriter.Draft.state(roomId, "m.room.member", target, sender, content), version(roomId));
    }

    /**
     * Re-sends the user's member event in every joined room whose event does not carry the current profile
     * yet: one write per room (a few at a time, see {@link Db#writeEach}), so other writes interleave. Reads
     * the profile inside each write, so runs for two quick renames, in any order, end with the last name.
     * Stops early when {@code stop} turns true.
     */
    public void refreshMemberProfiles(String userId, java.util.function.BooleanSupplier stop) {
        java.util.List<String> joined = store.memberships(userId).stream()
                .filter(m -> m.membership() == Membership.JOIN).map(EventStore.MembershipRow::roomId).toList();
        db.writeEach(joined, stop, roomId -> {
            StoredEvent current = store.currentState(roomId, "m.room.member", userId).orElse(null);
            if (current == null || !"join".equals(current.membership())) return;
            MemberProfileSource source = profiles.getIfAvailable();
            Optional<MemberProfileSource.MemberProfile> profile = source == null ? Optional.empty() : source.profile(userId);
            ObjectNode content = current.content().deepCopy();
            String displayName = profile.map(MemberProfileSource.MemberProfile::displayName).orElse(null);
            String avatarUrl = profile.map(MemberProfileSource.MemberProfile::avatarUrl).orElse(null);
            if (displayName == null) content.remove("displayname");
            else content.put("displayname", displayName);
            if (avatarUrl == null) content.remove("avatar_url");
            else content.put("avatar_url", avatarUrl);
            if (content.equals(current.content())) return;
            writer.append(EventWriter.Draft.state(roomId, "m.room.member", userId, userId, content), version(roomId));
        });
    }

    /**
     * Closes a room (admin portal): it leaves the room directory, and every joined or invited member leaves it
     * by their own membership event (which the authorisation rules always allow), so nobody can send there any
     * more. Returns how many members left. A public room can still be joined again by ID; see docs/admin-portal.md.
     */
    public int close(String roomId, String reason) {
        return db.write(() -> {
            version(roomId);
            store.setPublished(roomId, false);
            int left = 0;
            for (Membership membership : java.util.List.of(Membership.JOIN, Membership.INVITE)) {
                for (String userId : store.members(roomId, membership)) {
                    member(userId, roomId, userId, Membership.LEAVE, reason, null);
                    left++;
                }
            }
            return left;
        });
    }

    /**
     * Leaves every joined or invited room, as deactivation requires: one write per room (a few at a time).
     * Safe to run again (rooms already left are skipped); stops early when {@code stop} turns true.
     */
    public void leaveAll(String userId, java.util.function.BooleanSupplier stop) {
        java.util.List<String> rooms = store.memberships(userId).stream()
                .filter(m -> joinedOrInvited(m.membership()))
                .map(EventStore.MembershipRow::roomId).toList();
        db.writeEach(rooms, stop, roomId -> {
            if (!joinedOrInvited(store.membership(roomId, userId).orElse(null))) return;
            member(userId, roomId, userId, Membership.LEAVE, null, null);
        });
    }

    private static boolean joinedOrInvited(Membership membership) {
        return membership == Membership.JOIN || membership == Membership.INVITE;
    }

    // ---- redaction

    public String redact(Requester requester, String roomId, String eventId, String txnId, String reason) {
        Optional<String> earlier = store.eventIdForTxn(requester.userId(), requester.deviceId(), txnId);
        if (earlier.isPresent()) return earlier.get();
        return db.write(() -> {
            RoomVersion version = version(roomId);
            StoredEvent target = store.event(eventId).filter(e -> e.roomId().equals(roomId))
                    .orElseThrow(() -> MatrixException.notFound("Event not found"));
            ObjectNode content = Json.MAPPER.createObjectNode();
            if (version == RoomVersion.V11) content.put("redacts", eventId);
            if (reason != null) content.put("reason", reason);
            StoredEvent redaction = writer.appendRedaction(new EventWriter.Draft(roomId, "m.room.redaction", null,
                    requester.userId(), content, requester.deviceId(), txnId), version, eventId,
                    target.sender().equals(requester.userId()));
            if (target.redactedBy() == null) writer.applyRedaction(target, redaction.eventId(), version);
            return redaction.eventId();
        });
    }
}

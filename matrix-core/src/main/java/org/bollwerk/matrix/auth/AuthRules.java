package org.bollwerk.matrix.auth;

import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.RoomVersion;
import org.bollwerk.matrix.id.RoomId;
import org.bollwerk.matrix.id.UserId;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The authorisation rules of room versions 10 and 11 for events created on this server.
 *
 * <p>Scope: linear history without federation, so the {@code auth_events} selection and signature
 * rules of the spec are the caller's business (it builds them from the same state). Deliberate
 * restrictions, each refused with a readable message: third-party invites, and joining by the
 * {@code restricted}/{@code knock_restricted} join rules, which act like {@code invite} for joins
 * ({@code knock_restricted} rooms can be knocked on).
 *
 * <p>Typical call: {@code AuthRules.check(event, AuthState.builder().createEvent(create)
 * .powerLevels(pl).joinRules(jr).senderMember(senderContent).targetMember(targetContent).build())}.
 */
public final class AuthRules {

    static final String CREATE = "m.room.create";
    static final String MEMBER = "m.room.member";
    static final String POWER_LEVELS = "m.room.power_levels";
    static final String REDACTION = "m.room.redaction";
    static final String THIRD_PARTY_INVITE = "m.room.third_party_invite";

    private AuthRules() {}

    /**
     * Checks whether {@code event} may be added to a room whose current state is {@code state}.
     *
     * @throws MatrixException {@code M_FORBIDDEN} with a reason meant for users if the rules reject the
     *     event; {@code M_BAD_JSON} if the event or relevant content is malformed (e.g. a non-integer
     *     power level); {@code M_UNSUPPORTED_ROOM_VERSION} for a room of another version
     */
    public static void check(ObjectNode event, AuthState state) {
        String type = EventFields.string(event, "type");
        UserId sender = EventFields.userId(event, "sender");
        if (type.equals(CREATE) && EventFields.stateKey(event) != null) {
            checkCreate(event, sender, state);
            return;
        }
        if (state.createEvent() == null) {
            throw MatrixException.forbidden("This room does not exist.");
        }
        RoomVersion version = versionOf(state.createEvent());
        checkFederation(sender, state.createEvent());
        PowerLevels levels = PowerLevels.of(state.powerLevels(), creatorOf(state.createEvent(), version));
        if (type.equals(MEMBER)) {
            MemberRules.check(event, sender, state, levels, creatorOf(state.createEvent(), version));
            return;
        }
        if (Membership.fromContent(state.senderMember()) != Membership.JOIN) {
            throw MatrixException.forbidden("You are not a member of this room.");
        }
        long senderLevel = levels.userLevel(sender);
        if (type.equals(THIRD_PARTY_INVITE)) {
            requireLevel(senderLevel, levels.invite(), "invite users");
            return;
        }
        String stateKey = EventFields.stateKey(event);
        requireLevel(senderLevel, levels.levelForEvent(type, stateKey != null), "send " + type + " events");
        if (stateKey != null && stateKey.startsWith("@") && !stateKey.equals(sender.toString())) {
            throw MatrixException.forbidden("You can only use your own user ID as the state key of " + type + ".");
        }
        if (type.equals(POWER_LEVELS) && stateKey != null) {
            PowerLevelChanges.check(EventFields.content(event), state.powerLevels(), sender, senderLevel);
        }
        if (type.equals(REDACTION) && !state.redactsOwnEvent()) {
            // Not an auth rule in v3+, but the spec's condition for applying a redaction of another's event.
            requireLevel(senderLevel, levels.redact(), "redact other users' events");
        }
    }

    /** The room version named by a create event; a missing {@code room_version} means version 1. */
    public static RoomVersion versionOf(ObjectNode createEvent) {
        JsonNode version = EventFields.content(createEvent).get("room_version");
        if (version != null && !version.isString()) {
            throw MatrixException.badJson("m.room.create 'room_version' must be a string.");
        }
        return RoomVersion.fromId(version == null ? "1" : version.stringValue());
    }

    /** The room creator: {@code content.creator} in version 10, the create event's sender in 11. */
    public static UserId creatorOf(ObjectNode createEvent, RoomVersion version) {
        if (version.createContentHasCreator()) {
            return EventFields.userId(EventFields.content(createEvent), "creator");
        }
        return EventFields.userId(createEvent, "sender");
    }

    static void requireLevel(long senderLevel, long required, String action) {
        if (senderLevel < required) {
            throw MatrixException.forbidden("You do not have permission to " + action
                    + " (needs power level " + required + ", you have " + senderLevel + ").");
        }
    }

    private static void checkCreate(ObjectNode event, UserId sender, AuthState state) {
        if (state.createEvent() != null) {
            throw MatrixException.forbidden("This room already exists.");
        }
        JsonNode prevEvents = event.get("prev_events");
        if (prevEvents != null && !prevEvents.isEmpty()) {
            throw MatrixException.forbidden("A room's create event cannot have previous events.");
        }
        String roomId = EventFields.string(event, "room_id");
        if (!RoomId.parse(roomId).domain().equals(sender.domain())) {
            throw MatrixException.forbidden("The room ID must be on the creator's server.");
        }
        RoomVersion version = versionOf(event);
        if (version.createContentHasCreator() && !EventFields.content(event).has("creator")) {
            throw MatrixException.badJson("m.room.create content needs 'creator' in room version " + version.id() + ".");
        }
        creatorOf(event, version); // must be a valid user ID
    }

    private static void checkFederation(UserId sender, ObjectNode createEvent) {
        JsonNode federate = EventFields.content(createEvent).get("m.federate");
        UserId createSender = EventFields.userId(createEvent, "sender");
        if (federate != null && federate.isBoolean() && !federate.booleanValue()
                && !createSender.domain().equals(sender.domain())) {
            throw MatrixException.forbidden("This room is not open to users of other servers.");
        }
    }
}

package org.bollwerk.matrix.auth;

import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.UserId;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Rule 4 of the v10/v11 authorisation rules: {@code m.room.member} transitions. */
final class MemberRules {

    private MemberRules() {}

    static void check(ObjectNode event, UserId sender, AuthState state, PowerLevels levels, UserId creator) {
        String stateKey = EventFields.stateKey(event);
        if (stateKey == null) {
            throw MatrixException.badJson("m.room.member events need a state_key.");
        }
        if (!UserId.isValid(stateKey)) {
            throw MatrixException.badJson("m.room.member state_key is not a valid user ID: '" + stateKey + "'.");
        }
        UserId target = UserId.parse(stateKey);
        ObjectNode content = EventFields.content(event);
        if (!content.has("membership")) {
            throw MatrixException.badJson("m.room.member content needs 'membership'.");
        }
        Membership membership = Membership.fromContent(content);
        Membership senderNow = Membership.fromContent(state.senderMember());
        Membership targetNow = Membership.fromContent(state.targetMember());
        switch (membership) {
            case JOIN -> checkJoin(sender, target, creator, senderNow, targetNow, state.joinRules());
            case INVITE -> checkInvite(content, sender, target, senderNow, targetNow, levels);
            case LEAVE -> checkLeave(sender, target, senderNow, targetNow, levels);
            case BAN -> checkBan(sender, target, senderNow, levels);
            case KNOCK -> checkKnock(sender, target, senderNow, state.joinRules());
        }
    }

    private static void checkJoin(UserId sender, UserId target, UserId creator, Membership senderNow,
            Membership targetNow, ObjectNode joinRules) {
        // "Only previous event is the create event": every other event needs a joined member, so the
        // creator having no membership yet means nothing but the create event exists.
        if (target.equals(creator) && sender.equals(creator) && senderNow == null) {
            return;
        }
        if (!sender.equals(target)) {
            throw MatrixException.forbidden("You cannot make another user join a room.");
        }
        if (targetNow == Membership.BAN) {
            throw MatrixException.forbidden("You are banned from this room.");
        }
        String joinRule = joinRule(joinRules);
        if (joinRule.equals("public")) {
            return;
        }
        if (!admitsInvitedUsers(joinRule)) {
            throw MatrixException.forbidden("This room's join rule '" + joinRule + "' does not allow joining.");
        }
        if (targetNow != Membership.JOIN && targetNow != Membership.INVITE) {
            throw MatrixException.forbidden("You are not invited to this room.");
        }
    }

    /**
     * Knocking (room versions 7 and later; {@code knock_restricted} from version 10): only in rooms whose join
     * rule allows it, only for oneself, and not by someone who is in the room, invited already or banned.
     */
    private static void checkKnock(UserId sender, UserId target, Membership senderNow, ObjectNode joinRules) {
        String joinRule = joinRule(joinRules);
        if (!joinRule.equals("knock") && !joinRule.equals("knock_restricted")) {
            throw MatrixException.forbidden("This room's join rule '" + joinRule + "' does not allow knocking.");
        }
        if (!sender.equals(target)) {
            throw MatrixException.forbidden("You cannot knock for another user.");
        }
        if (senderNow == Membership.BAN) {
            throw MatrixException.forbidden("You are banned from this room.");
        }
        if (senderNow == Membership.JOIN) {
            throw MatrixException.forbidden("You are already in this room.");
        }
        if (senderNow == Membership.INVITE) {
            throw MatrixException.forbidden("You are already invited to this room.");
        }
    }

    private static void checkInvite(ObjectNode content, UserId sender, UserId target, Membership senderNow,
            Membership targetNow, PowerLevels levels) {
        if (content.has("third_party_invite")) {
            throw MatrixException.forbidden("Third-party invites are not supported on this server.");
        }
        if (senderNow != Membership.JOIN) {
            throw MatrixException.forbidden("You must be in the room to invite others.");
        }
        if (targetNow == Membership.JOIN) {
            throw MatrixException.forbidden(target + " is already in the room.");
        }
        if (targetNow == Membership.BAN) {
            throw MatrixException.forbidden(target + " is banned from the room.");
        }
        AuthRules.requireLevel(levels.userLevel(sender), levels.invite(), "invite users");
    }

    private static void checkLeave(UserId sender, UserId target, Membership senderNow, Membership targetNow,
            PowerLevels levels) {
        if (sender.equals(target)) {
            if (senderNow == Membership.JOIN || senderNow == Membership.INVITE || senderNow == Membership.KNOCK) {
                return;
            }
            throw MatrixException.forbidden(senderNow == Membership.BAN
                    ? "You are banned from this room and cannot leave it."
                    : "You are not in this room.");
        }
        if (senderNow != Membership.JOIN) {
            throw MatrixException.forbidden("You must be in the room to kick or unban others.");
        }
        long senderLevel = levels.userLevel(sender);
        if (targetNow == Membership.BAN) {
            AuthRules.requireLevel(senderLevel, levels.ban(), "unban users");
        }
        AuthRules.requireLevel(senderLevel, levels.kick(), targetNow == Membership.BAN ? "unban users" : "kick users");
        requireHigherThan(senderLevel, levels.userLevel(target), targetNow == Membership.BAN ? "unban" : "kick", target);
    }

    private static void checkBan(UserId sender, UserId target, Membership senderNow, PowerLevels levels) {
        if (senderNow != Membership.JOIN) {
            throw MatrixException.forbidden("You must be in the room to ban others.");
        }
        long senderLevel = levels.userLevel(sender);
        AuthRules.requireLevel(senderLevel, levels.ban(), "ban users");
        requireHigherThan(senderLevel, levels.userLevel(target), "ban", target);
    }

    private static void requireHigherThan(long senderLevel, long targetLevel, String action, UserId target) {
        if (targetLevel >= senderLevel) {
            throw MatrixException.forbidden("You cannot " + action + " " + target
                    + ": their power level (" + targetLevel + ") is not below yours (" + senderLevel + ").");
        }
    }

    /** Like Synapse, a room without an {@code m.room.join_rules} event behaves as invite-only. */
    private static String joinRule(ObjectNode joinRules) {
        if (joinRules == null) {
            return "invite";
        }
        JsonNode rule = joinRules.get("join_rule");
        return rule != null && rule.isString() ? rule.stringValue() : "invite";
    }

    /**
     * Knock rooms admit invited users (a knock is answered by an invite); restricted rooms are treated as
     * invite-only until MSC3083's room-membership condition is supported.
     */
    private static boolean admitsInvitedUsers(String rule) {
        return switch (rule) {
            case "invite", "knock", "restricted", "knock_restricted" -> true;
            default -> false;
        };
    }
}

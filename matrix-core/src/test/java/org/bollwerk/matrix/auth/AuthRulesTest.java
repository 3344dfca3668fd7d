package org.bollwerk.matrix.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.bollwerk.matrix.MatrixAssertions.assertMatrixError;

import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.json.Json;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class AuthRulesTest {

    static final String ALICE = "@alice:example.org"; // creator, level 100
    static final String MOD = "@mod:example.org"; // level 50
    static final String BOB = "@bob:example.org"; // level 0
    static final String EVE = "@eve:example.org"; // level 0, outsider

    static ObjectNode json(String text) {
        return Json.parseObject(text.replace('\'', '"').getBytes(UTF_8));
    }

    static ObjectNode createV10() {
        return json("{'type':'m.room.create','state_key':'','room_id':'!r:example.org','sender':'" + ALICE + "',"
                + "'content':{'creator':'" + ALICE + "','room_version':'10'}}");
    }

    static ObjectNode createV11() {
        return json("{'type':'m.room.create','state_key':'','room_id':'!r:example.org','sender':'" + ALICE + "',"
                + "'content':{'room_version':'11'}}");
    }

    static ObjectNode member(String membership) {
        return json("{'membership':'" + membership + "'}");
    }

    static ObjectNode levels() {
        return json("{'users':{'" + ALICE + "':100,'" + MOD + "':50},'users_default':0,'events_default':0,"
                + "'state_default':50,'ban':50,'kick':50,'redact':50,'invite':0,'events':{}}");
    }

    static ObjectNode memberEvent(String sender, String target, String membership) {
        return json("{'type':'m.room.member','room_id':'!r:example.org','sender':'" + sender + "','state_key':'"
                + target + "','content':{'membership':'" + membership + "'}}");
    }

    static ObjectNode event(String sender, String type, String stateKey, String content) {
        String key = stateKey == null ? "" : ",'state_key':'" + stateKey + "'";
        return json("{'type':'" + type + "','room_id':'!r:example.org','sender':'" + sender + "'" + key
                + ",'content':" + content + "}");
    }

    /** A running public/invite room: create, power levels, join rules and the given memberships. */
    static AuthState.Builder room(String joinRule, String senderMembership, String targetMembership) {
        return AuthState.builder().createEvent(createV10()).powerLevels(levels())
                .joinRules(json("{'join_rule':'" + joinRule + "'}"))
                .senderMember(senderMembership == null ? null : member(senderMembership))
                .targetMember(targetMembership == null ? null : member(targetMembership));
    }

    static void allowed(ObjectNode event, AuthState state) {
        assertThatCode(() -> AuthRules.check(event, state)).doesNotThrowAnyException();
    }

    static void forbidden(ObjectNode event, AuthState state, String reason) {
        assertMatrixError(ErrCode.M_FORBIDDEN, () -> AuthRules.check(event, state)).hasMessageContaining(reason);
    }

    @Nested
    class CreateEvents {
        @Test
        void allowsAValidCreateEventInBothVersions() {
            allowed(createV10(), AuthState.empty());
            allowed(createV11(), AuthState.empty());
        }

        @Test
        void rejectsCreateEventsWithPreviousEvents() {
            forbidden(createV10().set("prev_events", json("{'a':['$x']}").get("a")), AuthState.empty(), "previous events");
        }

        @Test
        void rejectsRoomIdsOnAnotherServer() {
            forbidden(createV10().put("room_id", "!r:elsewhere.org"), AuthState.empty(), "creator's server");
        }

        @Test
        void rejectsUnknownOrMissingRoomVersions() {
            ObjectNode v9 = createV10();
            ((ObjectNode) v9.get("content")).put("room_version", "9");
            assertMatrixError(ErrCode.M_UNSUPPORTED_ROOM_VERSION, () -> AuthRules.check(v9, AuthState.empty()));
            ObjectNode none = createV10();
            ((ObjectNode) none.get("content")).remove("room_version");
            assertMatrixError(ErrCode.M_UNSUPPORTED_ROOM_VERSION, () -> AuthRules.check(none, AuthState.empty()));
        }

        @Test
        void requiresCreatorInVersionTenOnly() {
            ObjectNode v10 = createV10();
            ((ObjectNode) v10.get("content")).remove("creator");
            assertMatrixError(ErrCode.M_BAD_JSON, () -> AuthRules.check(v10, AuthState.empty()));
        }

        @Test
        void rejectsASecondCreateEvent() {
            forbidden(createV10(), AuthState.builder().createEvent(createV10()).build(), "already exists");
        }

        @Test
        void rejectsOtherEventsBeforeTheCreateEvent() {
            forbidden(event(ALICE, "m.room.message", null, "{}"), AuthState.empty(), "does not exist");
        }

        @Test
        void rejectsEventsOfRoomsWithUnsupportedVersions() {
            ObjectNode create = createV10();
            ((ObjectNode) create.get("content")).put("room_version", "6");
            assertMatrixError(ErrCode.M_UNSUPPORTED_ROOM_VERSION, () -> AuthRules.check(event(ALICE, "m.room.message",
                    null, "{}"), AuthState.builder().createEvent(create).senderMember(member("join")).build()));
        }
    }

    @Nested
    class Joins {
        @Test
        void allowsTheCreatorsFirstJoin() {
            allowed(memberEvent(ALICE, ALICE, "join"), AuthState.builder().createEvent(createV10()).build());
            allowed(memberEvent(ALICE, ALICE, "join"), AuthState.builder().createEvent(createV11()).build());
        }

        @Test
        void rejectsOthersJoiningARoomThatOnlyHasItsCreateEvent() {
            forbidden(memberEvent(BOB, BOB, "join"), AuthState.builder().createEvent(createV11()).build(), "not invited");
        }

        @Test
        void allowsAnyoneToJoinAPublicRoom() {
            allowed(memberEvent(EVE, EVE, "join"), room("public", null, null).build());
            allowed(memberEvent(EVE, EVE, "join"), room("public", "leave", "leave").build());
        }

        @Test
        void requiresAnInviteForInviteOnlyRooms() {
            forbidden(memberEvent(EVE, EVE, "join"), room("invite", null, null).build(), "You are not invited to this room.");
            forbidden(memberEvent(EVE, EVE, "join"), room("invite", "leave", "leave").build(), "not invited");
            allowed(memberEvent(EVE, EVE, "join"), room("invite", "invite", "invite").build());
            allowed(memberEvent(BOB, BOB, "join"), room("invite", "join", "join").build()); // profile change
        }

        @Test
        void treatsRestrictedAndKnockRoomsAsInviteOnly() {
            for (String rule : new String[] {"restricted", "knock", "knock_restricted"}) {
                forbidden(memberEvent(EVE, EVE, "join"), room(rule, null, null).build(), "not invited");
                allowed(memberEvent(EVE, EVE, "join"), room(rule, "invite", "invite").build());
            }
        }

        @Test
        void treatsAMissingJoinRuleAsInviteOnly() {
            AuthState.Builder state = room("public", null, null).joinRules(null);
            forbidden(memberEvent(EVE, EVE, "join"), state.build(), "not invited");
            allowed(memberEvent(EVE, EVE, "join"), state.senderMember(member("invite")).targetMember(member("invite")).build());
        }

        @Test
        void rejectsUnknownJoinRules() {
            forbidden(memberEvent(EVE, EVE, "join"), room("private", "invite", "invite").build(), "does not allow");
        }

        @Test
        void rejectsBannedUsersEvenInPublicRooms() {
            forbidden(memberEvent(EVE, EVE, "join"), room("public", "ban", "ban").build(), "banned");
        }

        @Test
        void rejectsJoiningOnBehalfOfSomeoneElse() {
            forbidden(memberEvent(BOB, EVE, "join"), room("public", "join", null).build(), "another user");
        }
    }

    @Nested
    class Invites {
        @Test
        void allowsJoinedMembersToInviteAtInviteLevelZero() {
            allowed(memberEvent(BOB, EVE, "invite"), room("invite", "join", null).build());
            allowed(memberEvent(BOB, EVE, "invite"), room("invite", "join", "leave").build());
        }

        @Test
        void rejectsInvitesFromNonMembers() {
            forbidden(memberEvent(BOB, EVE, "invite"), room("invite", "invite", null).build(), "must be in the room");
        }

        @Test
        void rejectsInvitingJoinedOrBannedUsers() {
            forbidden(memberEvent(BOB, EVE, "invite"), room("invite", "join", "join").build(), "already in the room");
            forbidden(memberEvent(BOB, EVE, "invite"), room("invite", "join", "ban").build(), "banned");
        }

        @Test
        void enforcesTheInviteLevel() {
            ObjectNode pl = levels().put("invite", 50);
            forbidden(memberEvent(BOB, EVE, "invite"), room("invite", "join", null).powerLevels(pl).build(), "invite users");
            allowed(memberEvent(MOD, EVE, "invite"), room("invite", "join", null).powerLevels(pl).build());
        }

        @Test
        void refusesThirdPartyInvites() {
            ObjectNode invite = memberEvent(BOB, EVE, "invite");
            ((ObjectNode) invite.get("content")).putObject("third_party_invite").putObject("signed");
            forbidden(invite, room("invite", "join", null).build(), "Third-party invites");
        }
    }

    @Nested
    class LeavesAndKicks {
        @Test
        void allowsLeavingWhenJoinedInvitedOrKnocking() {
            for (String m : new String[] {"join", "invite", "knock"}) {
                allowed(memberEvent(BOB, BOB, "leave"), room("invite", m, m).build());
            }
        }

        @Test
        void rejectsLeavingWhenNotInTheRoom() {
            forbidden(memberEvent(BOB, BOB, "leave"), room("invite", null, null).build(), "not in this room");
            forbidden(memberEvent(BOB, BOB, "leave"), room("invite", "leave", "leave").build(), "not in this room");
            forbidden(memberEvent(BOB, BOB, "leave"), room("invite", "ban", "ban").build(), "banned");
        }

        @Test
        void letsModeratorsKickLowerUsers() {
            allowed(memberEvent(MOD, BOB, "leave"), room("invite", "join", "join").build());
            allowed(memberEvent(ALICE, MOD, "leave"), room("invite", "join", "join").build());
        }

        @Test
        void rejectsKicksWithoutTheKickLevel() {
            forbidden(memberEvent(BOB, EVE, "leave"), room("invite", "join", "join").build(), "kick users");
        }

        @Test
        void rejectsKickingUsersAtOrAboveOwnLevel() {
            forbidden(memberEvent(MOD, ALICE, "leave"), room("invite", "join", "join").build(), "not below yours");
            ObjectNode pl = levels();
            ((ObjectNode) pl.get("users")).put(BOB, 50);
            forbidden(memberEvent(MOD, BOB, "leave"), room("invite", "join", "join").powerLevels(pl).build(), "cannot kick");
        }

        @Test
        void rejectsKicksFromNonMembers() {
            forbidden(memberEvent(MOD, BOB, "leave"), room("invite", "leave", "join").build(), "must be in the room");
        }

        @Test
        void unbanningNeedsBothBanAndKickLevels() {
            ObjectNode pl = levels().put("ban", 60).put("kick", 40);
            forbidden(memberEvent(MOD, EVE, "leave"), room("invite", "join", "ban").powerLevels(pl).build(), "unban users");
            ObjectNode pl2 = levels().put("ban", 40).put("kick", 60);
            forbidden(memberEvent(MOD, EVE, "leave"), room("invite", "join", "ban").powerLevels(pl2).build(), "unban users");
            allowed(memberEvent(MOD, EVE, "leave"), room("invite", "join", "ban").build());
        }
    }

    @Nested
    class Bans {
        @Test
        void letsModeratorsBanLowerUsersEvenWhenNotInTheRoom() {
            allowed(memberEvent(MOD, BOB, "ban"), room("invite", "join", "join").build());
            allowed(memberEvent(MOD, EVE, "ban"), room("invite", "join", null).build());
        }

        @Test
        void rejectsBansWithoutLevelOrAgainstHigherUsers() {
            forbidden(memberEvent(BOB, EVE, "ban"), room("invite", "join", null).build(), "ban users");
            forbidden(memberEvent(MOD, ALICE, "ban"), room("invite", "join", "join").build(), "cannot ban");
            forbidden(memberEvent(MOD, MOD, "ban"), room("invite", "join", "join").build(), "cannot ban");
        }

        @Test
        void rejectsBansFromNonMembers() {
            forbidden(memberEvent(MOD, BOB, "ban"), room("invite", "invite", "join").build(), "must be in the room");
        }
    }

    @Nested
    class Knocking {
        @Test
        void allowsKnockingOnKnockAndKnockRestrictedRoomsForOneself() {
            for (String rule : new String[] {"knock", "knock_restricted"}) {
                allowed(memberEvent(EVE, EVE, "knock"), room(rule, null, null).build());
                allowed(memberEvent(EVE, EVE, "knock"), room(rule, "leave", "leave").build());
                allowed(memberEvent(EVE, EVE, "knock"), room(rule, "knock", "knock").build());
            }
        }

        @Test
        void refusesKnockingWhereTheJoinRuleDoesNotAllowIt() {
            for (String rule : new String[] {"public", "invite", "restricted", "private"}) {
                forbidden(memberEvent(EVE, EVE, "knock"), room(rule, null, null).build(), "does not allow knocking");
            }
            forbidden(memberEvent(EVE, EVE, "knock"), room("knock", null, null).joinRules(null).build(),
                    "does not allow knocking");
        }

        @Test
        void refusesKnockingForSomeoneElse() {
            forbidden(memberEvent(BOB, EVE, "knock"), room("knock", "join", null).build(), "another user");
        }

        @Test
        void refusesKnockingByMembersInviteesAndBannedUsers() {
            forbidden(memberEvent(EVE, EVE, "knock"), room("knock", "join", "join").build(), "already in this room");
            forbidden(memberEvent(EVE, EVE, "knock"), room("knock", "invite", "invite").build(), "already invited");
            forbidden(memberEvent(EVE, EVE, "knock"), room("knock", "ban", "ban").build(), "banned");
        }

        @Test
        void aKnockIsAnsweredByAnInviteAndRetractedByLeaving() {
            allowed(memberEvent(BOB, EVE, "invite"), room("knock", "join", "knock").build());
            allowed(memberEvent(EVE, EVE, "leave"), room("knock", "knock", "knock").build());
        }

        @Test
        void aKnockDoesNotLetTheKnockerJoin() {
            forbidden(memberEvent(EVE, EVE, "join"), room("knock", "knock", "knock").build(), "not invited");
        }

        @Test
        void aKnockCanBeDeniedByAKickOrABan() {
            allowed(memberEvent(ALICE, EVE, "leave"), room("knock", "join", "knock").build());
            allowed(memberEvent(ALICE, EVE, "ban"), room("knock", "join", "knock").build());
        }
    }

    @Nested
    class MalformedMemberEvents {

        @Test
        void rejectsMissingStateKeyMembershipOrUnknownMembership() {
            ObjectNode noKey = memberEvent(BOB, BOB, "join");
            noKey.remove("state_key");
            assertMatrixError(ErrCode.M_BAD_JSON, () -> AuthRules.check(noKey, room("public", null, null).build()));
            ObjectNode noMembership = event(BOB, "m.room.member", BOB, "{}");
            assertMatrixError(ErrCode.M_BAD_JSON, () -> AuthRules.check(noMembership, room("public", null, null).build()));
            ObjectNode unknown = memberEvent(BOB, BOB, "dance");
            assertMatrixError(ErrCode.M_BAD_JSON, () -> AuthRules.check(unknown, room("public", null, null).build()));
            ObjectNode badTarget = memberEvent(BOB, "bob", "join");
            assertMatrixError(ErrCode.M_BAD_JSON, () -> AuthRules.check(badTarget, room("public", null, null).build()));
        }

        @Test
        void rejectsEventsWithoutTypeOrWithABadSender() {
            ObjectNode noType = event(BOB, "m.room.message", null, "{}");
            noType.remove("type");
            assertMatrixError(ErrCode.M_BAD_JSON, () -> AuthRules.check(noType, room("public", "join", null).build()));
            ObjectNode badSender = event("bob", "m.room.message", null, "{}");
            assertMatrixError(ErrCode.M_BAD_JSON, () -> AuthRules.check(badSender, room("public", "join", null).build()));
            ObjectNode badContent = event(ALICE, "m.room.power_levels", "", "[]");
            assertMatrixError(ErrCode.M_BAD_JSON, () -> AuthRules.check(badContent, room("public", "join", null)
                    .senderMember(member("join")).powerLevels(null).createEvent(createV11()).build()));
        }
    }
}

package org.bollwerk.matrix.auth;

import static org.bollwerk.matrix.MatrixAssertions.assertMatrixError;
import static org.bollwerk.matrix.auth.AuthRulesTest.ALICE;
import static org.bollwerk.matrix.auth.AuthRulesTest.BOB;
import static org.bollwerk.matrix.auth.AuthRulesTest.EVE;
import static org.bollwerk.matrix.auth.AuthRulesTest.MOD;
import static org.bollwerk.matrix.auth.AuthRulesTest.allowed;
import static org.bollwerk.matrix.auth.AuthRulesTest.event;
import static org.bollwerk.matrix.auth.AuthRulesTest.forbidden;
import static org.bollwerk.matrix.auth.AuthRulesTest.json;
import static org.bollwerk.matrix.auth.AuthRulesTest.levels;
import static org.bollwerk.matrix.auth.AuthRulesTest.room;

import org.bollwerk.matrix.ErrCode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** Non-member events, power-level changes and redactions. */
class AuthRulesEventsTest {

    /** A state in which the sender is joined; levels come from {@link AuthRulesTest#levels()}. */
    static AuthState joined(String sender) {
        return room("invite", "join", null).build();
    }

    @Nested
    class NonMemberEvents {
        @Test
        void requiresTheSenderToBeJoined() {
            forbidden(event(EVE, "m.room.message", null, "{}"), room("public", null, null).build(),
                    "You are not a member of this room.");
            forbidden(event(EVE, "m.room.message", null, "{}"), room("public", "invite", null).build(), "not a member");
        }

        @Test
        void letsMembersSendMessagesButNotStateBelowStateDefault() {
            allowed(event(BOB, "m.room.message", null, "{'body':'hi'}"), joined(BOB));
            forbidden(event(BOB, "m.room.name", "", "{'name':'x'}"), joined(BOB), "needs power level 50, you have 0");
            allowed(event(MOD, "m.room.name", "", "{'name':'x'}"), joined(MOD));
        }

        @Test
        void honoursPerTypeLevels() {
            ObjectNode pl = levels();
            ((ObjectNode) pl.get("events")).put("m.room.name", 0).put("m.reaction", 10);
            AuthState state = room("invite", "join", null).powerLevels(pl).build();
            allowed(event(BOB, "m.room.name", "", "{'name':'x'}"), state);
            forbidden(event(BOB, "m.reaction", null, "{}"), state, "send m.reaction events");
        }

        @Test
        void usesCreatorDefaultsWithoutAPowerLevelsEvent() {
            AuthState creator = room("invite", "join", null).powerLevels(null).build();
            allowed(event(ALICE, "m.room.name", "", "{}"), creator);
            forbidden(event(BOB, "m.room.name", "", "{}"), creator, "power level 50");
            allowed(event(BOB, "m.room.message", null, "{}"), creator);
        }

        @Test
        void takesTheVersionElevenCreatorFromTheCreateEventSender() {
            AuthState state = room("invite", "join", null).powerLevels(null).createEvent(AuthRulesTest.createV11()).build();
            allowed(event(ALICE, "m.room.name", "", "{}"), state);
        }

        @Test
        void rejectsStateKeysOfOtherUsers() {
            forbidden(event(MOD, "org.example.status", BOB, "{}"), joined(MOD), "your own user ID");
            allowed(event(MOD, "org.example.status", MOD, "{}"), joined(MOD));
        }

        @Test
        void requiresTheInviteLevelForThirdPartyInviteEvents() {
            allowed(event(BOB, "m.room.third_party_invite", "token", "{}"), joined(BOB));
            ObjectNode pl = levels().put("invite", 50);
            forbidden(event(BOB, "m.room.third_party_invite", "token", "{}"),
                    room("invite", "join", null).powerLevels(pl).build(), "invite users");
        }

        @Test
        void rejectsSendersOfOtherServersWhenTheRoomDoesNotFederate() {
            ObjectNode create = AuthRulesTest.createV10();
            ((ObjectNode) create.get("content")).put("m.federate", false);
            AuthState state = room("public", "join", null).createEvent(create).build();
            forbidden(event("@x:other.org", "m.room.message", null, "{}"), state, "other servers");
            allowed(event(BOB, "m.room.message", null, "{}"), state);
        }
    }

    @Nested
    class PowerLevelChangesRules {
        private ObjectNode change(String sender, ObjectNode newContent) {
            return event(sender, "m.room.power_levels", "", newContent.toString().replace('"', '\''));
        }

        private AuthState current() {
            return joined(MOD);
        }

        @Test
        void allowsAnythingForTheFirstPowerLevelsEvent() {
            ObjectNode content = json("{'users':{'" + ALICE + "':100},'ban':100}");
            allowed(change(ALICE, content), room("invite", "join", null).powerLevels(null).build());
        }

        @Test
        void rejectsNonIntegerLevelsAsBadJson() {
            assertMatrixError(ErrCode.M_BAD_JSON, () -> AuthRules.check(change(ALICE, json("{'ban':'50'}")), current()));
            assertMatrixError(ErrCode.M_BAD_JSON, () -> AuthRules.check(change(ALICE, json("{'users':{'x':1}}")), current()));
        }

        @Test
        void letsAUserLowerTheirOwnLevel() {
            ObjectNode content = levels();
            ((ObjectNode) content.get("users")).put(MOD, 10);
            allowed(change(MOD, content), current());
        }

        @Test
        void rejectsRaisingAnyoneAboveOwnLevel() {
            ObjectNode self = levels();
            ((ObjectNode) self.get("users")).put(MOD, 51);
            forbidden(change(MOD, self), current(), "above your own power level (50)");
            ObjectNode other = levels();
            ((ObjectNode) other.get("users")).put(BOB, 60);
            forbidden(change(MOD, other), current(), "'users.@bob:example.org' to 60");
        }

        @Test
        void letsModeratorsPromoteUsersUpToTheirOwnLevel() {
            ObjectNode content = levels();
            ((ObjectNode) content.get("users")).put(BOB, 50);
            allowed(change(MOD, content), current());
        }

        @Test
        void rejectsChangingUsersAtOrAboveOwnLevel() {
            ObjectNode admin = levels();
            ((ObjectNode) admin.get("users")).put(ALICE, 0);
            forbidden(change(MOD, admin), current(), "users.@alice:example.org");
            ObjectNode peers = levels();
            ((ObjectNode) peers.get("users")).put(BOB, 50);
            AuthState withPeer = room("invite", "join", null).powerLevels(peers).build();
            ObjectNode demote = peers.deepCopy();
            ((ObjectNode) demote.get("users")).remove(BOB);
            forbidden(change(MOD, demote), withPeer, "not below your own");
        }

        @Test
        void guardsScalarLevelsBothWays() {
            forbidden(change(MOD, levels().put("kick", 51)), current(), "'kick' to 51");
            allowed(change(MOD, levels().put("kick", 40)), current());
            ObjectNode highBan = levels().put("ban", 100);
            AuthState state = room("invite", "join", null).powerLevels(highBan).build();
            forbidden(change(MOD, levels().put("ban", 50)), state, "its current level (100)");
            ObjectNode removed = highBan.deepCopy();
            removed.remove("ban");
            forbidden(change(MOD, removed), state, "'ban'");
        }

        @Test
        void guardsEventAndNotificationLevels() {
            ObjectNode add = levels();
            ((ObjectNode) add.get("events")).put("m.room.name", 75);
            forbidden(change(MOD, add), current(), "events.m.room.name");
            ObjectNode withHigh = levels();
            ((ObjectNode) withHigh.get("events")).put("m.room.tombstone", 100);
            AuthState state = room("invite", "join", null).powerLevels(withHigh).build();
            ObjectNode removeHigh = levels(); // drops the tombstone entry
            forbidden(change(MOD, removeHigh), state, "events.m.room.tombstone");
            ObjectNode notif = levels();
            notif.putObject("notifications").put("room", 60);
            forbidden(change(MOD, notif), current(), "notifications.room");
            ObjectNode okNotif = levels();
            okNotif.putObject("notifications").put("room", 20);
            allowed(change(MOD, okNotif), current());
        }

        @Test
        void requiresTheLevelToSendPowerLevelsAtAll() {
            forbidden(change(BOB, levels()), joined(BOB), "send m.room.power_levels events");
        }
    }

    @Nested
    class Redactions {
        @Test
        void letsMembersRedactTheirOwnEvents() {
            allowed(event(BOB, "m.room.redaction", null, "{'redacts':'$x'}"),
                    room("invite", "join", null).redactsOwnEvent(true).build());
        }

        @Test
        void requiresTheRedactLevelForOtherUsersEvents() {
            forbidden(event(BOB, "m.room.redaction", null, "{'redacts':'$x'}"), joined(BOB),
                    "redact other users' events");
            allowed(event(MOD, "m.room.redaction", null, "{'redacts':'$x'}"), joined(MOD));
        }

        @Test
        void honoursAnEventLevelForRedactions() {
            ObjectNode pl = levels();
            ((ObjectNode) pl.get("events")).put("m.room.redaction", 10);
            forbidden(event(BOB, "m.room.redaction", null, "{}"),
                    room("invite", "join", null).powerLevels(pl).redactsOwnEvent(true).build(), "m.room.redaction");
        }

        @Test
        void requiresMembershipToRedact() {
            forbidden(event(BOB, "m.room.redaction", null, "{}"),
                    room("invite", "leave", null).redactsOwnEvent(true).build(), "not a member");
        }
    }
}

package org.bollwerk.userdata;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PushRulesIT extends UserdataTestBase {
    private static final String RULES = "/_matrix/client/v3/pushrules/global/";

    @Autowired
    AccountDataService accountData;

    private static List<String> ids(JsonNode rules) {
        List<String> ids = new ArrayList<>();
        rules.forEach(rule -> ids.add(rule.get("rule_id").asString()));
        return ids;
    }

    @Test
    void newUserGetsTheFullDefaultRuleSetOfTheSpec() {
        User alice = newUser("pr-defaults");
        JsonNode global = get(alice, "/_matrix/client/v3/pushrules/").assertOk().body().get("global");
        assertThat(ids(global.get("override"))).containsExactly(".m.rule.master", ".org.bollwerk.rule.alert",
                ".m.rule.suppress_notices", ".m.rule.invite_for_me", ".m.rule.member_event", ".m.rule.is_user_mention",
                ".m.rule.contains_display_name", ".m.rule.is_room_mention", ".m.rule.roomnotif",
                ".m.rule.tombstone", ".m.rule.reaction", ".m.rule.room.server_acl", ".m.rule.suppress_edits");
        assertThat(ids(global.get("content"))).containsExactly(".m.rule.contains_user_name");
        assertThat(ids(global.get("underride"))).containsExactly(".m.rule.call", ".m.rule.encrypted_room_one_to_one",
                ".m.rule.room_one_to_one", ".m.rule.message", ".m.rule.encrypted");
        assertThat(global.get("room").isEmpty()).isTrue();
        assertThat(global.get("sender").isEmpty()).isTrue();
        assertThat(global.get("override").get(0).get("enabled").asBoolean()).isFalse();
        assertThat(global.get("content").get(0).get("pattern").asString()).isEqualTo(alice.localpart());
        assertThat(global.get("override").get(3).get("conditions").get(2).get("pattern").asString())
                .isEqualTo(alice.userId());
        assertThat(global.get("override").get(5).get("conditions").get(0).get("key").asString())
                .isEqualTo("content.m\\.mentions.user_ids");
        assertThat(global.get("override").get(5).get("conditions").get(0).get("value").asString())
                .isEqualTo(alice.userId());
        assertThat(get(alice, "/_matrix/client/r0/pushrules/global/").assertOk().body()).isEqualTo(global);
    }

    @Test
    void userRulesAreAddedOrderedChangedAndDeleted() {
        User alice = newUser("pr-user");
        put(alice, RULES + "room/" + enc("!a:localhost"), "{\"actions\":[]}").assertOk();
        put(alice, RULES + "room/" + enc("!b:localhost"), "{\"actions\":[\"notify\"]}").assertOk();
        put(alice, RULES + "room/" + enc("!c:localhost") + "?after=" + enc("!a:localhost"), "{\"actions\":[]}")
                .assertOk();
        assertThat(ids(get(alice, RULES).body().get("room")))
                .containsExactly("!b:localhost", "!a:localhost", "!c:localhost");
        put(alice, RULES + "room/" + enc("!c:localhost") + "?before=" + enc("!b:localhost"), "{\"actions\":[]}")
                .assertOk();
        assertThat(ids(get(alice, RULES).body().get("room")))
                .containsExactly("!c:localhost", "!b:localhost", "!a:localhost");

        put(alice, RULES + "override/my.rule", "{\"conditions\":[{\"kind\":\"event_match\",\"key\":\"content.body\","
                + "\"pattern\":\"cake\"}],\"actions\":[\"notify\"]}").assertOk();
        List<String> overrides = ids(get(alice, RULES).body().get("override"));
        assertThat(overrides.subList(0, 3)).containsExactly(".m.rule.master", "my.rule", ".org.bollwerk.rule.alert");
        JsonNode rule = get(alice, RULES + "override/my.rule").assertOk().body();
        assertThat(rule.get("default").asBoolean()).isFalse();
        assertThat(rule.get("enabled").asBoolean()).isTrue();

        put(alice, RULES + "override/my.rule/enabled", "{\"enabled\":false}").assertOk();
        assertThat(get(alice, RULES + "override/my.rule/enabled").assertOk().body().get("enabled").asBoolean()).isFalse();
        put(alice, RULES + "override/my.rule/actions", "{\"actions\":[\"dont_notify\"]}").assertOk();
        assertThat(get(alice, RULES + "override/my.rule/actions").assertOk().body().get("actions").get(0).asString())
                .isEqualTo("dont_notify");

        put(alice, RULES + "content/cake", "{\"pattern\":\"cake*lie\",\"actions\":[\"notify\"]}").assertOk();
        assertThat(get(alice, RULES + "content/cake").assertOk().body().get("pattern").asString()).isEqualTo("cake*lie");
        assertThat(ids(get(alice, RULES).body().get("content"))).containsExactly("cake", ".m.rule.contains_user_name");

        delete(alice, RULES + "override/my.rule").assertOk();
        get(alice, RULES + "override/my.rule").assertError(404, "M_NOT_FOUND");
        delete(alice, RULES + "override/my.rule").assertError(404, "M_NOT_FOUND");
    }

    @Test
    void serverDefaultRulesCanBeSwitchedAndGivenActionsButNotDeleted() {
        User alice = newUser("pr-default");
        put(alice, RULES + "override/.m.rule.master/enabled", "{\"enabled\":true}").assertOk();
        put(alice, RULES + "underride/.m.rule.message/actions", "{\"actions\":[]}").assertOk();
        JsonNode global = get(alice, RULES).assertOk().body();
        assertThat(global.get("override").get(0).get("enabled").asBoolean()).isTrue();
        JsonNode message = get(alice, RULES + "underride/.m.rule.message").assertOk().body();
        assertThat(message.get("actions").isEmpty()).isTrue();
        assertThat(message.get("default").asBoolean()).isTrue();
        delete(alice, RULES + "underride/.m.rule.message").assertError(400, "M_INVALID_PARAM");
        put(alice, RULES + "underride/.m.rule.message", "{\"actions\":[\"notify\"]}").assertError(400, "M_INVALID_PARAM");
        assertThat(get(alice, RULES + "underride/.m.rule.message").body().get("actions").isEmpty()).isTrue();
        // another user keeps the defaults
        User bob = newUser("pr-other");
        assertThat(get(bob, RULES + "override/.m.rule.master/enabled").body().get("enabled").asBoolean()).isFalse();
    }

    @Test
    void changesAppearAsPushRulesAccountDataForSync() {
        User alice = newUser("pr-sync");
        put(alice, RULES + "sender/" + enc("@spam:localhost"), "{\"actions\":[]}").assertOk();
        List<AccountDataEntry> changes = accountData.globalChanges(alice.userId(), AccountDataService.INITIAL, Long.MAX_VALUE);
        assertThat(changes).extracting(AccountDataEntry::type).containsExactly("m.push_rules");
        assertThat(ids(changes.get(0).content().get("global").get("sender"))).containsExactly("@spam:localhost");
    }

    @Test
    void badRuleRequestsAreRefusedAndChangeNothing() {
        User alice = newUser("pr-bad");
        JsonNode before = get(alice, RULES).assertOk().body();
        put(alice, RULES + "override/r1", "{}").assertError(400, "M_MISSING_PARAM");
        put(alice, RULES + "override/r1", "{\"actions\":\"notify\"}").assertError(400, "M_BAD_JSON");
        put(alice, RULES + "override/r1", "{\"actions\":[\"explode\"]}").assertError(400, "M_INVALID_PARAM");
        put(alice, RULES + "override/r1", "{\"actions\":[5]}").assertError(400, "M_BAD_JSON");
        put(alice, RULES + "override/r1", "{\"actions\":[],\"conditions\":[{\"key\":\"x\"}]}").assertError(400, "M_BAD_JSON");
        put(alice, RULES + "content/r1", "{\"actions\":[]}").assertError(400, "M_MISSING_PARAM");
        put(alice, RULES + "sideways/r1", "{\"actions\":[]}").assertError(400, "M_INVALID_PARAM");
        put(alice, "/_matrix/client/v3/pushrules/device/override/r1", "{\"actions\":[]}").assertError(400, "M_INVALID_PARAM");
        put(alice, RULES + "override/.mine", "{\"actions\":[]}").assertError(400, "M_INVALID_PARAM");
        put(alice, RULES + "room/" + enc("!x:localhost") + "?before=missing", "{\"actions\":[]}").assertError(400, "M_UNKNOWN");
        put(alice, RULES + "override/r1", "not json").assertError(400, "M_NOT_JSON");
        put(alice, RULES + "override/.m.rule.master/enabled", "{\"enabled\":\"yes\"}").assertError(400, "M_BAD_JSON");
        put(alice, RULES + "override/.m.rule.master/enabled", "{}").assertError(400, "M_MISSING_PARAM");
        put(alice, RULES + "override/nope/enabled", "{\"enabled\":true}").assertError(404, "M_NOT_FOUND");
        put(alice, RULES + "override/nope/actions", "{\"actions\":[]}").assertError(404, "M_NOT_FOUND");
        get(alice, RULES + "override/nope").assertError(404, "M_NOT_FOUND");
        get(alice, RULES + "override/nope/enabled").assertError(404, "M_NOT_FOUND");
        assertThat(get(alice, RULES).assertOk().body()).isEqualTo(before);
        assertThat(accountData.globalChanges(alice.userId(), AccountDataService.INITIAL, Long.MAX_VALUE).get(0).content().get("global"))
                .isEqualTo(before);
    }

    @Test
    void pushRulesNeedAnAccessToken() {
        get(null, "/_matrix/client/v3/pushrules/").assertError(401, "M_MISSING_TOKEN");
        put(null, RULES + "override/x", "{\"actions\":[]}").assertError(401, "M_MISSING_TOKEN");
    }
}

package org.bollwerk.matrix.push;

import org.bollwerk.matrix.json.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server-default rules Bollwerk serves (the server module's {@code default-push-rules.json}, the spec's
 * list) evaluated against the spec's examples, plus user rules of every kind.
 */
class PushRulesTest {
    private static final String ME = "@alice:example.org";
    private static final PushContext DM = new PushContext("Alice", 2, 0, key -> 50);
    private static final PushContext GROUP = new PushContext("Alice", 12, 0, key -> 50);

    private static ObjectNode defaults() {
        try {
            String text = Files.readString(Path.of("../server/src/main/resources/org/bollwerk/userdata/default-push-rules.json"))
                    .replace("${user_id}", ME).replace("${localpart}", "alice");
            return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode json(String text) {
        return Json.parseObject(text.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode message(String content) {
        return json("{'type':'m.room.message','sender':'@bob:example.org','room_id':'!r:example.org','content':"
                + content + "}");
    }

    private static PushResult eval(ObjectNode event, PushContext context) {
        return PushRules.compile(defaults()).evaluate(event, context);
    }

    @Test
    void aDirectMessageNotifiesWithTheDefaultSoundButNoHighlight() {
        PushResult result = eval(message("{'msgtype':'m.text','body':'hi'}"), DM);
        assertThat(result.ruleId()).isEqualTo(".m.rule.room_one_to_one");
        assertThat(result.notifies()).isTrue();
        assertThat(result.highlight()).isFalse();
        assertThat(result.sound()).isEqualTo("default");
    }

    @Test
    void anEncryptedMessageInAGroupRoomNotifiesSilently() {
        ObjectNode event = json("{'type':'m.room.encrypted','sender':'@bob:example.org','content':{'ciphertext':'x'}}");
        PushResult result = eval(event, GROUP);
        assertThat(result.ruleId()).isEqualTo(".m.rule.encrypted");
        assertThat(result.notifies()).isTrue();
        assertThat(result.sound()).isNull();
        assertThat(eval(event, DM).ruleId()).isEqualTo(".m.rule.encrypted_room_one_to_one");
    }

    @Test
    void noticesReactionsEditsAndMemberEventsDoNotNotify() {
        assertThat(eval(message("{'msgtype':'m.notice','body':'bot says'}"), DM).notifies()).isFalse();
        assertThat(eval(json("{'type':'m.reaction','content':{'m.relates_to':{'rel_type':'m.annotation','event_id':'$e','key':'👍'}}}"), DM)
                .notifies()).isFalse();
        assertThat(eval(message("{'msgtype':'m.text','body':'* fixed','m.relates_to':{'rel_type':'m.replace','event_id':'$e'}}"), DM)
                .ruleId()).isEqualTo(".m.rule.suppress_edits");
        assertThat(eval(json("{'type':'m.room.member','state_key':'@carol:example.org','content':{'membership':'join'}}"), GROUP)
                .notifies()).isFalse();
    }

    @Test
    void anInviteForMeNotifiesButSomeoneElsesDoesNot() {
        PushResult mine = eval(json("{'type':'m.room.member','state_key':'" + ME + "','content':{'membership':'invite'}}"), GROUP);
        assertThat(mine.ruleId()).isEqualTo(".m.rule.invite_for_me");
        assertThat(mine.notifies()).isTrue();
        assertThat(eval(json("{'type':'m.room.member','state_key':'@carol:example.org','content':{'membership':'invite'}}"), GROUP)
                .notifies()).isFalse();
    }

    @Test
    void aUserMentionInMMentionsHighlights() {
        PushResult result = eval(message("{'msgtype':'m.text','body':'look','m.mentions':{'user_ids':['" + ME + "']}}"), GROUP);
        assertThat(result.ruleId()).isEqualTo(".m.rule.is_user_mention");
        assertThat(result.highlight()).isTrue();
    }

    @Test
    void theDisplayNameInTheBodyHighlightsOnlyWithoutMMentions() {
        assertThat(eval(message("{'msgtype':'m.text','body':'hey alice!'}"), GROUP).highlight()).isTrue();
        assertThat(eval(message("{'msgtype':'m.text','body':'hey Alice, lunch?'}"), GROUP).ruleId())
                .isEqualTo(".m.rule.contains_display_name");
        // Since spec 1.7 an event with m.mentions is judged by it alone.
        PushResult withMentions = eval(message("{'msgtype':'m.text','body':'hey Alice','m.mentions':{}}"), GROUP);
        assertThat(withMentions.highlight()).isFalse();
        assertThat(withMentions.ruleId()).isEqualTo(".m.rule.message");
        // Whole words only: "Alicesson" is somebody else.
        assertThat(eval(message("{'msgtype':'m.text','body':'Alicesson is here'}"), GROUP).highlight()).isFalse();
    }

    @Test
    void aRoomMentionHighlightsWhenTheSenderMayNotifyTheRoom() {
        ObjectNode event = message("{'msgtype':'m.text','body':'all','m.mentions':{'room':true}}");
        assertThat(eval(event, new PushContext("Alice", 12, 50, key -> 50)).ruleId()).isEqualTo(".m.rule.is_room_mention");
        assertThat(eval(event, new PushContext("Alice", 12, 0, key -> 50)).highlight()).isFalse();
        ObjectNode legacy = message("{'msgtype':'m.text','body':'@room please read'}");
        assertThat(eval(legacy, new PushContext("Alice", 12, 100, key -> 50)).ruleId()).isEqualTo(".m.rule.roomnotif");
    }

    @Test
    void aTombstoneHighlightsAndAServerAclDoesNotNotify() {
        assertThat(eval(json("{'type':'m.room.tombstone','state_key':'','content':{'replacement_room':'!n:x'}}"), GROUP)
                .highlight()).isTrue();
        assertThat(eval(json("{'type':'m.room.server_acl','state_key':'','content':{'allow':['*']}}"), GROUP).notifies())
                .isFalse();
    }

    @Test
    void aCallInviteRings() {
        assertThat(eval(json("{'type':'m.call.invite','content':{'call_id':'c'}}"), GROUP).sound()).isEqualTo("ring");
    }

    @Test
    void anAlertFromTheAlertSenderHighlightsWithSoundEvenInAMutedRoomButAnImitationDoesNot() {
        ObjectNode rules = defaults();
        ((ArrayNode) rules.get("room")).add(json("{'rule_id':'!r:example.org','enabled':true,'actions':[]}"));
        PushRules compiled = PushRules.compile(rules);
        String alert = "{'msgtype':'m.text','body':'Fire drill','org.bollwerk.alert':{'alert_id':'al_1','kind':'alert'}}";
        PushResult result = compiled.evaluate(message(alert).put("sender", "@alerts:example.org"), GROUP);
        assertThat(result.ruleId()).isEqualTo(".org.bollwerk.rule.alert");
        assertThat(result.highlight()).isTrue();
        assertThat(result.sound()).isEqualTo("default");
        // The same content from anyone else is an ordinary message of the (muted) room.
        assertThat(compiled.evaluate(message(alert), GROUP).notifies()).isFalse();
    }

    @Test
    void theMasterRuleEnabledSilencesEverything() {
        ObjectNode rules = defaults();
        ((ObjectNode) rules.get("override").get(0)).put("enabled", true);
        assertThat(PushRules.compile(rules).evaluate(message("{'msgtype':'m.text','body':'hi'}"), DM).notifies()).isFalse();
    }

    @Test
    void aRoomRuleWithoutActionsMutesTheRoomButNotMentionsBeforeIt() {
        ObjectNode rules = defaults();
        ((ArrayNode) rules.get("room")).add(json("{'rule_id':'!r:example.org','enabled':true,'actions':[]}"));
        PushRules compiled = PushRules.compile(rules);
        assertThat(compiled.evaluate(message("{'msgtype':'m.text','body':'hi'}"), DM).notifies()).isFalse();
        assertThat(compiled.evaluate(message("{'msgtype':'m.text','body':'x','m.mentions':{'user_ids':['" + ME + "']}}"), DM)
                .highlight()).isTrue();
        ObjectNode elsewhere = message("{'msgtype':'m.text','body':'hi'}").put("room_id", "!other:example.org");
        assertThat(compiled.evaluate(elsewhere, DM).notifies()).isTrue();
    }

    @Test
    void senderAndContentRulesApplyInTheirOrder() {
        ObjectNode rules = defaults();
        ((ArrayNode) rules.get("sender")).add(json("{'rule_id':'@bob:example.org','enabled':true,'actions':['dont_notify']}"));
        ((ArrayNode) rules.get("content")).insert(0, json("{'rule_id':'cake','enabled':true,'pattern':'cake*lie',"
                + "'actions':['notify',{'set_tweak':'highlight'}]}"));
        PushRules compiled = PushRules.compile(rules);
        assertThat(compiled.evaluate(message("{'msgtype':'m.text','body':'hello'}"), GROUP).notifies()).isFalse();
        // The spec's glob example: "cake*lie" matches "The cake is a lie" (content rules outrank sender rules).
        PushResult cake = compiled.evaluate(message("{'msgtype':'m.text','body':'The cake is a lie!'}"), GROUP);
        assertThat(cake.ruleId()).isEqualTo("cake");
        assertThat(cake.highlight()).isTrue();
        assertThat(compiled.evaluate(message("{'msgtype':'m.text','body':'cakes are lies'}"), GROUP).ruleId())
                .isNotEqualTo("cake");
    }

    @Test
    void eventMatchNeedsAStringAndMatchesTheWholeValueCaseInsensitively() {
        PushCondition exact = PushCondition.compile(json("{'kind':'event_match','key':'type','pattern':'M.ROOM.*'}"));
        assertThat(exact.matches(json("{'type':'m.room.message'}"), GROUP)).isTrue();
        assertThat(exact.matches(json("{'type':'xm.room.message'}"), GROUP)).isFalse();
        PushCondition any = PushCondition.compile(json("{'kind':'event_match','key':'content.n','pattern':'*'}"));
        assertThat(any.matches(json("{'content':{'n':5}}"), GROUP)).isFalse();
        assertThat(any.matches(json("{'content':{}}"), GROUP)).isFalse();
        PushCondition one = PushCondition.compile(json("{'kind':'event_match','key':'sender','pattern':'@?ob:*'}"));
        assertThat(one.matches(json("{'sender':'@bob:example.org'}"), GROUP)).isTrue();
    }

    @Test
    void propertyConditionsCompareExactValuesUnderEscapedKeys() {
        PushCondition is = PushCondition.compile(json("{'kind':'event_property_is','key':'content.m\\\\.x.y','value':3}"));
        assertThat(is.matches(json("{'content':{'m.x':{'y':3}}}"), GROUP)).isTrue();
        assertThat(is.matches(json("{'content':{'m.x':{'y':'3'}}}"), GROUP)).isFalse();
        PushCondition isNull = PushCondition.compile(json("{'kind':'event_property_is','key':'content.v','value':null}"));
        assertThat(isNull.matches(json("{'content':{'v':null}}"), GROUP)).isTrue();
        assertThat(isNull.matches(json("{'content':{}}"), GROUP)).isFalse();
        PushCondition contains = PushCondition.compile(json("{'kind':'event_property_contains','key':'content.tags','value':'a'}"));
        assertThat(contains.matches(json("{'content':{'tags':['b','a']}}"), GROUP)).isTrue();
        assertThat(contains.matches(json("{'content':{'tags':'a'}}"), GROUP)).isFalse();
    }

    @Test
    void roomMemberCountUnderstandsEveryOperator() {
        JsonNode event = json("{}");
        assertThat(PushCondition.compile(json("{'kind':'room_member_count','is':'2'}")).matches(event, DM)).isTrue();
        assertThat(PushCondition.compile(json("{'kind':'room_member_count','is':'==2'}")).matches(event, GROUP)).isFalse();
        assertThat(PushCondition.compile(json("{'kind':'room_member_count','is':'<3'}")).matches(event, DM)).isTrue();
        assertThat(PushCondition.compile(json("{'kind':'room_member_count','is':'>=12'}")).matches(event, GROUP)).isTrue();
        assertThat(PushCondition.compile(json("{'kind':'room_member_count','is':'>12'}")).matches(event, GROUP)).isFalse();
        assertThat(PushCondition.compile(json("{'kind':'room_member_count','is':'<=x'}")).matches(event, GROUP)).isFalse();
    }

    @Test
    void aRuleWithAnUnknownConditionNeverApplies() {
        ObjectNode rules = defaults();
        ((ArrayNode) rules.get("override")).insert(1, json("{'rule_id':'future','enabled':true,"
                + "'conditions':[{'kind':'org.example.new'}],'actions':[]}"));
        assertThat(PushRules.compile(rules).evaluate(message("{'msgtype':'m.text','body':'hi'}"), DM).notifies()).isTrue();
    }
}
